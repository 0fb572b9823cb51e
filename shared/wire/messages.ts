/** Short names for the wire messages the services read and write (proto-loader's decoded forms). */
export type { GetSuggestionsRequest__Output as GetSuggestionsRequest } from './generated/api/v1/beta1/GetSuggestionsRequest.js';
export type { GetSuggestionsReply } from './generated/api/v1/beta1/GetSuggestionsReply.js';
export type { ValidateAlgorithmSettingsRequest__Output as ValidateAlgorithmSettingsRequest } from './generated/api/v1/beta1/ValidateAlgorithmSettingsRequest.js';
export type { Experiment__Output as Experiment } from './generated/api/v1/beta1/Experiment.js';
export type { Trial__Output as Trial } from './generated/api/v1/beta1/Trial.js';
export type { ParameterSpec__Output as ParameterSpec } from './generated/api/v1/beta1/ParameterSpec.js';
export type { GetEarlyStoppingRulesRequest__Output as GetEarlyStoppingRulesRequest } from './generated/api/v1/beta1/GetEarlyStoppingRulesRequest.js';
export type { GetEarlyStoppingRulesReply } from './generated/api/v1/beta1/GetEarlyStoppingRulesReply.js';
export type { ValidateEarlyStoppingSettingsRequest__Output as ValidateEarlyStoppingSettingsRequest } from './generated/api/v1/beta1/ValidateEarlyStoppingSettingsRequest.js';
export type { SetTrialStatusRequest__Output as SetTrialStatusRequest } from './generated/api/v1/beta1/SetTrialStatusRequest.js';
export type { EarlyStoppingRule } from './generated/api/v1/beta1/EarlyStoppingRule.js';
