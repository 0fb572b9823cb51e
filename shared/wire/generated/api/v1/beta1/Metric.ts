// Original file: proto/api.proto


export interface Metric {
  'name'?: (string);
  'value'?: (string);
}

export interface Metric__Output {
  'name': (string);
  'value': (string);
}
