import * as grpc from '@grpc/grpc-js';
import { katibApi } from '../../shared/wire/katib-api.js';
import type { DeleteObservationLogRequest__Output } from '../../shared/wire/generated/api/v1/beta1/DeleteObservationLogRequest.js';
import type { GetObservationLogRequest__Output } from '../../shared/wire/generated/api/v1/beta1/GetObservationLogRequest.js';
import type { ReportObservationLogRequest__Output } from '../../shared/wire/generated/api/v1/beta1/ReportObservationLogRequest.js';

/** One logged value: [time stamp, metric name, value]. */
export type LogLine = [timeStamp: string, metricName: string, value: string];

/**
 * A stand-in for Katib's DB manager: a real gRPC server on 127.0.0.1 serving our proto's DBManager from
 * in-memory logs, for the benchmark's simulated metrics collector and the early-stopping services it calls, and
 * for the tests. ReportObservationLog appends a trial's lines, GetObservationLog answers with the lines of the
 * asked metric (all of them for an empty name) between the optional start and end times, DeleteObservationLog
 * forgets a trial. Lines come back in the order they were reported: Katib's DB manager sorts them by time, and
 * the collector reports a log in time order, so the two agree for the benchmark, while a test can store lines
 * out of order to see that a service does not rely on the order.
 */
export interface DbManagerStandIn {
  address: string;
  /** Every GetObservationLog request received, in order. */
  requests: GetObservationLogRequest__Output[];
  logs: Map<string, LogLine[]>;
  /** Trials whose GetObservationLog is never answered (a hung DB manager). */
  hangFor: Set<string>;
  /** Fail the next N calls with UNAVAILABLE (a DB manager restarting). */
  unavailableCalls: number;
  close(): Promise<void>;
}

/** Lines for `values` of `metric`, one a minute from a fixed start, in report order. */
export function lines(metric: string, values: readonly string[], start = Date.UTC(2026, 10, 20, 10)): LogLine[] {
  return values.map((value, index) => [new Date(start + index * 60_000).toISOString(), metric, value]);
}

export async function startDbManagerStandIn(logs: Record<string, LogLine[]> = {}): Promise<DbManagerStandIn> {
  const server = new grpc.Server();
  const state: Omit<DbManagerStandIn, 'address' | 'close'> = {
    requests: [],
    logs: new Map(Object.entries(logs)),
    hangFor: new Set(),
    unavailableCalls: 0,
  };
  const pending: grpc.sendUnaryData<unknown>[] = [];
  /** A restarting DB manager refuses every call alike. */
  const refused = (callback: grpc.sendUnaryData<unknown>): boolean => {
    if (state.unavailableCalls <= 0) return false;
    state.unavailableCalls--;
    callback({ code: grpc.status.UNAVAILABLE, details: 'DB manager stand-in is restarting' });
    return true;
  };
  server.addService(katibApi.DBManager.service, {
    GetObservationLog(call: grpc.ServerUnaryCall<GetObservationLogRequest__Output, unknown>, callback: grpc.sendUnaryData<unknown>) {
      state.requests.push(call.request);
      if (refused(callback)) return;
      if (state.hangFor.has(call.request.trial_name)) {
        pending.push(callback);
        return;
      }
      const { metric_name: metric, start_time: start, end_time: end } = call.request;
      const from = start === '' ? -Infinity : Date.parse(start);
      const to = end === '' ? Infinity : Date.parse(end);
      if (Number.isNaN(from) || Number.isNaN(to)) {
        callback({ code: grpc.status.UNKNOWN, details: `Error parsing time ${Number.isNaN(from) ? start : end}` });
        return;
      }
      const metricLogs = (state.logs.get(call.request.trial_name) ?? [])
        .filter(([time, name]) => (metric === '' || name === metric) && inRange(Date.parse(time), from, to))
        .map(([time_stamp, name, value]) => ({ time_stamp, metric: { name, value } }));
      callback(null, { observation_log: { metric_logs: metricLogs } });
    },
    ReportObservationLog(call: grpc.ServerUnaryCall<ReportObservationLogRequest__Output, unknown>, callback: grpc.sendUnaryData<unknown>) {
      if (refused(callback)) return;
      const log = state.logs.get(call.request.trial_name) ?? [];
      // As Katib's DB manager: lines without a time stamp are not stored.
      for (const line of call.request.observation_log?.metric_logs ?? []) {
        if (line.time_stamp !== '') log.push([line.time_stamp, line.metric?.name ?? '', line.metric?.value ?? '']);
      }
      state.logs.set(call.request.trial_name, log);
      callback(null, {});
    },
    DeleteObservationLog(call: grpc.ServerUnaryCall<DeleteObservationLogRequest__Output, unknown>, callback: grpc.sendUnaryData<unknown>) {
      if (refused(callback)) return;
      state.logs.delete(call.request.trial_name);
      callback(null, {});
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return Object.assign(state, {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const callback of pending) callback({ code: grpc.status.CANCELLED, details: 'DB manager stand-in closed' });
        server.tryShutdown(() => resolve());
      }),
  });
}

/** A line whose time stamp cannot be read is kept when no range is asked for, as a text column would keep it. */
function inRange(time: number, from: number, to: number): boolean {
  if (Number.isNaN(time)) return from === -Infinity && to === Infinity;
  return time >= from && time <= to;
}
