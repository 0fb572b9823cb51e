// Original file: proto/api.proto


export interface DeleteObservationLogReply {
}

export interface DeleteObservationLogReply__Output {
}
