// Original file: proto/api.proto

import type { ComparisonType as _api_v1_beta1_ComparisonType, ComparisonType__Output as _api_v1_beta1_ComparisonType__Output } from '../../../api/v1/beta1/ComparisonType.js';

export interface EarlyStoppingRule {
  'name'?: (string);
  'value'?: (string);
  'comparison'?: (_api_v1_beta1_ComparisonType);
  'start_step'?: (number);
}

export interface EarlyStoppingRule__Output {
  'name': (string);
  'value': (string);
  'comparison': (_api_v1_beta1_ComparisonType__Output);
  'start_step': (number);
}
