import * as grpc from '@grpc/grpc-js';
import { katibApi } from '../../shared/wire/katib-api.js';

/** One reported value of a trial's metric, as the metrics collector sends it to Katib's DB manager. */
export interface ReportedValue {
  timeStamp: string;
  metricName: string;
  value: string;
}

/** The DB-manager calls Katib's metrics collector and trial controller make: store a trial's log, delete it. */
export interface ObservationLogWriter {
  report(trialName: string, values: readonly ReportedValue[]): Promise<void>;
  delete(trialName: string): Promise<void>;
  close(): void;
}

/** Katib's DB manager (or a stand-in) at `address`, over gRPC. */
export function observationLogWriter(address: string, deadlineMs: number): ObservationLogWriter {
  const client = new katibApi.DBManager(address, grpc.credentials.createInsecure());
  const done = (method: string, resolve: () => void, reject: (error: Error) => void) => (error: grpc.ServiceError | null) =>
    error === null ? resolve() : reject(new Error(`DB manager at ${address}: ${method} failed: ${error.details}`));
  return {
    report: (trialName, values) =>
      new Promise((resolve, reject) =>
        client.ReportObservationLog(
          {
            trial_name: trialName,
            observation_log: { metric_logs: values.map((value) => ({ time_stamp: value.timeStamp, metric: { name: value.metricName, value: value.value } })) },
          },
          { deadline: Date.now() + deadlineMs },
          done('ReportObservationLog', resolve, reject),
        ),
      ),
    delete: (trialName) =>
      new Promise((resolve, reject) =>
        client.DeleteObservationLog({ trial_name: trialName }, { deadline: Date.now() + deadlineMs }, done('DeleteObservationLog', resolve, reject)),
      ),
    close: () => client.close(),
  };
}
