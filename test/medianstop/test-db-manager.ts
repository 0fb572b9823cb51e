import * as grpc from '@grpc/grpc-js';
import { katibApi } from '../../shared/wire/katib-api.js';
import type { GetObservationLogRequest__Output } from '../../shared/wire/generated/api/v1/beta1/GetObservationLogRequest.js';

/** One logged value: [time stamp, metric name, value]. */
export type LogLine = [timeStamp: string, metricName: string, value: string];

/**
 * A stand-in for Katib's DB manager: a real gRPC server on 127.0.0.1 serving our proto's DBManager from
 * in-memory logs. Like the real one, it answers with the lines of the asked metric only.
 */
export interface TestDbManager {
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

export async function startTestDbManager(logs: Record<string, LogLine[]> = {}): Promise<TestDbManager> {
  const server = new grpc.Server();
  const state: Omit<TestDbManager, 'address' | 'close'> = {
    requests: [],
    logs: new Map(Object.entries(logs)),
    hangFor: new Set(),
    unavailableCalls: 0,
  };
  const pending: grpc.sendUnaryData<unknown>[] = [];
  server.addService(katibApi.DBManager.service, {
    GetObservationLog(call: grpc.ServerUnaryCall<GetObservationLogRequest__Output, unknown>, callback: grpc.sendUnaryData<unknown>) {
      state.requests.push(call.request);
      if (state.unavailableCalls > 0) {
        state.unavailableCalls--;
        callback({ code: grpc.status.UNAVAILABLE, details: 'test DB manager is restarting' });
        return;
      }
      if (state.hangFor.has(call.request.trial_name)) {
        pending.push(callback);
        return;
      }
      const metricLogs = (state.logs.get(call.request.trial_name) ?? [])
        .filter(([, name]) => call.request.metric_name === '' || name === call.request.metric_name)
        .map(([time_stamp, name, value]) => ({ time_stamp, metric: { name, value } }));
      callback(null, { observation_log: { metric_logs: metricLogs } });
    },
    ReportObservationLog(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'not used by the tests' });
    },
    DeleteObservationLog(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
      callback({ code: grpc.status.UNIMPLEMENTED, details: 'not used by the tests' });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return Object.assign(state, {
    address: `127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const callback of pending) callback({ code: grpc.status.CANCELLED, details: 'test DB manager closed' });
        server.tryShutdown(() => resolve());
      }),
  });
}

/** An address where nothing listens: a port that was free a moment ago. */
export async function unusedAddress(): Promise<string> {
  const { createServer } = await import('node:net');
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return `127.0.0.1:${port}`;
}
