import * as grpc from '@grpc/grpc-js';
import { dependencyUnavailable, quote, type ServiceError } from '../../../shared/errors/service-error.js';
import { katibApi } from '../../../shared/wire/katib-api.js';
import type { DBManagerClient } from '../../../shared/wire/generated/api/v1/beta1/DBManager.js';
import type { GetObservationLogReply__Output } from '../../../shared/wire/generated/api/v1/beta1/GetObservationLogReply.js';
import type { MetricLogEntry } from '../rule/metric-log.js';
import { LruMap } from '../lru-map.js';

/** Where the rule computation gets trial logs from; the gRPC client below is the real one. */
export interface ObservationLogSource {
  /** Every logged value of `metricName` for `trialName`, in the order the DB manager returned them. */
  read(address: string, trialName: string, metricName: string): Promise<MetricLogEntry[]>;
}

export interface DbManagerClientOptions {
  /** Time one GetObservationLog call may take. */
  deadlineMs: number;
  /** Calls tried while the DB manager answers UNAVAILABLE (it restarts, or its Service has no ready endpoint yet). */
  attempts: number;
  /** Pause before the first retry; doubled before each further one. */
  retryDelayMs: number;
}

export const DEFAULT_DB_MANAGER_CLIENT_OPTIONS: DbManagerClientOptions = { deadlineMs: 10_000, attempts: 3, retryDelayMs: 200 };

// Requests name the address, so a bound on open channels keeps a stream of odd addresses from piling them up.
const MAX_OPEN_CHANNELS = 4;

/**
 * Katib's DB manager, reached over gRPC with our proto's DBManager client. Channels are kept per address and
 * reused across calls; every failure becomes a ServiceError that names the address.
 */
export class DbManagerClient implements ObservationLogSource {
  /** Calls already started on an evicted channel finish normally; grpc-js only refuses new ones. */
  private readonly clients = new LruMap<string, DBManagerClient>(MAX_OPEN_CHANNELS, (_, client) => client.close());

  constructor(private readonly options: DbManagerClientOptions = DEFAULT_DB_MANAGER_CLIENT_OPTIONS) {}

  async read(address: string, trialName: string, metricName: string): Promise<MetricLogEntry[]> {
    const request = { trial_name: trialName, metric_name: metricName };
    let delayMs = this.options.retryDelayMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const reply = await this.call(address, request);
        return (reply.observation_log?.metric_logs ?? [])
          .filter((log) => log.metric?.name === metricName)
          .map((log) => ({ timeStamp: log.time_stamp, value: log.metric!.value }));
      } catch (error) {
        const code = (error as Partial<grpc.ServiceError>).code;
        // Anything but a gRPC status is a bug of ours, left for the host to report as INTERNAL.
        if (typeof code !== 'number') throw error;
        if (code === grpc.status.UNAVAILABLE && attempt < this.options.attempts) {
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          delayMs *= 2;
          continue;
        }
        throw describeFailure(error as grpc.ServiceError, address, trialName, attempt, this.options.deadlineMs);
      }
    }
  }

  close(): void {
    for (const client of this.clients.values()) client.close();
    this.clients.clear();
  }

  private call(address: string, request: { trial_name: string; metric_name: string }): Promise<GetObservationLogReply__Output> {
    const client = this.clientFor(address);
    return new Promise((resolve, reject) => {
      client.GetObservationLog(request, { deadline: Date.now() + this.options.deadlineMs }, (error, reply) =>
        error ? reject(error) : resolve(reply!),
      );
    });
  }

  private clientFor(address: string): DBManagerClient {
    let client = this.clients.get(address);
    if (client === undefined) {
      client = new katibApi.DBManager(address, grpc.credentials.createInsecure(), {
        // Retries should meet a fresh connection attempt, not grpc-js's default one-second reconnect backoff.
        'grpc.initial_reconnect_backoff_ms': 100,
        'grpc.max_reconnect_backoff_ms': 2_000,
      });
      this.clients.set(address, client);
    }
    return client;
  }
}

function describeFailure(error: grpc.ServiceError, address: string, trialName: string, attempts: number, deadlineMs: number): ServiceError {
  const what = `GetObservationLog for trial ${quote(trialName)}`;
  switch (error.code) {
    case grpc.status.UNAVAILABLE:
      return dependencyUnavailable(`Katib's DB manager at ${address} is unreachable: ${what} failed ${attempts} time(s): ${error.details}`);
    case grpc.status.DEADLINE_EXCEEDED:
      return dependencyUnavailable(`Katib's DB manager at ${address} did not answer ${what} within ${deadlineMs} ms`);
    default:
      return dependencyUnavailable(
        `Katib's DB manager at ${address} failed ${what}: ${grpc.status[error.code] ?? error.code}: ${error.details}`,
      );
  }
}
