// Original file: proto/api.proto


export interface ValidateEarlyStoppingSettingsReply {
}

export interface ValidateEarlyStoppingSettingsReply__Output {
}
