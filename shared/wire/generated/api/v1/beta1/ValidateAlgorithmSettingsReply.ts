// Original file: proto/api.proto


export interface ValidateAlgorithmSettingsReply {
}

export interface ValidateAlgorithmSettingsReply__Output {
}
