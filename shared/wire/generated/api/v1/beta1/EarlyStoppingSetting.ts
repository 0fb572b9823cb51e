// Original file: proto/api.proto


export interface EarlyStoppingSetting {
  'name'?: (string);
  'value'?: (string);
}

export interface EarlyStoppingSetting__Output {
  'name': (string);
  'value': (string);
}
