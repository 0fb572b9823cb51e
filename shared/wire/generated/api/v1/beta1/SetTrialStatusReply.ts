// Original file: proto/api.proto


export interface SetTrialStatusReply {
}

export interface SetTrialStatusReply__Output {
}
