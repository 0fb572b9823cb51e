// Original file: proto/api.proto


export interface ParameterAssignment {
  'name'?: (string);
  'value'?: (string);
}

export interface ParameterAssignment__Output {
  'name': (string);
  'value': (string);
}
