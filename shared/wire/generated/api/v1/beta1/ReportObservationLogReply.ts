// Original file: proto/api.proto


export interface ReportObservationLogReply {
}

export interface ReportObservationLogReply__Output {
}
