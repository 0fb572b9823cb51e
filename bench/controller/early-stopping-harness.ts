import { startDbManagerStandIn, type DbManagerStandIn } from '../katib/db-manager-stand-in.js';
import { observationLogWriter, type ObservationLogWriter } from '../katib/observation-log-writer.js';
import { startTrialApiStandIn, trialObject, type TrialApiStandIn } from '../katib/trial-api-stand-in.js';
import { katibTime } from './katib-messages.js';
import { grpcEarlyStoppingEndpoint, type EarlyStoppingEndpoint } from './early-stopping-endpoint.js';

/** The Kubernetes namespace of the simulated trials: the stock service's own default outside a pod. */
export const TRIAL_NAMESPACE = 'default';

/** How long SetTrialStatus's mark may take to show on the Trial (the stock service patches it asynchronously). */
const MARK_TIMEOUT_MS = 10_000;
const MARK_POLL_MS = 5;

/** Where an early-stopping service finds the Katib parts it works with, as a pod of Katib's finds them. */
export interface EarlyStoppingEnvironment {
  /** host:port of the DB manager, as the controller sends it in db_manager_address. */
  dbManagerAddress: string;
  /** A kubeconfig that reaches the Trials, and their namespace. */
  kubeconfigPath: string;
  namespace: string;
}

/** An early-stopping service process, however it is started. */
export interface EarlyStoppingService {
  /** host:port of its gRPC server. */
  address: string;
  peakRssKib(): number | undefined;
  /** The time the service itself reports for each call of `method` so far, from its log lines; undefined when it logs none. */
  callMilliseconds?(method: string): number[];
  stop(): Promise<void>;
}

/**
 * An early-stopping service with the Katib parts around it that the simulated controller needs: the DB manager
 * its collector reports to and the service reads from, and the Trials the service marks through the Kubernetes
 * API (both stand-ins, in this process).
 */
export interface EarlyStoppingHarness {
  endpoint: EarlyStoppingEndpoint;
  dbManagerAddress: string;
  logs: ObservationLogWriter;
  trials: {
    /** A new running Trial, as Katib's trial controller creates it. */
    create(name: string, startSeconds: number, objective: { type: 'minimize' | 'maximize'; objectiveMetricName: string }): Promise<void>;
    /** Resolves once the Trial's latest condition is EarlyStopped; fails when it is not within a few seconds. */
    waitForEarlyStopped(name: string): Promise<void>;
  };
  /** Deletes the trials and their logs, as Katib does with a deleted Experiment's. */
  forget(trialNames: readonly string[]): Promise<void>;
}

export interface OpenHarness {
  harness: EarlyStoppingHarness;
  service: EarlyStoppingService;
  /** Stops the service and the stand-ins. */
  close(): Promise<void>;
}

/** Starts the stand-ins, then the service (`start`) pointed at them, and connects to it. */
export async function openEarlyStoppingHarness(
  start: (environment: EarlyStoppingEnvironment) => Promise<EarlyStoppingService>,
  deadlineMs: number,
): Promise<OpenHarness> {
  const db: DbManagerStandIn = await startDbManagerStandIn();
  let api: TrialApiStandIn | undefined;
  let service: EarlyStoppingService | undefined;
  try {
    api = await startTrialApiStandIn(TRIAL_NAMESPACE);
    service = await start({ dbManagerAddress: db.address, kubeconfigPath: api.kubeconfigPath, namespace: TRIAL_NAMESPACE });
  } catch (error) {
    await api?.close();
    await db.close();
    throw error;
  }
  const trialApi = api;
  const endpoint = grpcEarlyStoppingEndpoint(service.address, { deadlineMs });
  const logs = observationLogWriter(db.address, deadlineMs);
  const harness: EarlyStoppingHarness = {
    endpoint,
    dbManagerAddress: db.address,
    logs,
    trials: {
      async create(name, startSeconds, objective) {
        trialApi.trials.set(name, trialObject(name, TRIAL_NAMESPACE, { objective, startTime: katibTime(startSeconds) }));
      },
      async waitForEarlyStopped(name) {
        const deadline = Date.now() + MARK_TIMEOUT_MS;
        for (;;) {
          const latest = trialApi.trials.get(name)?.status?.conditions?.at(-1);
          if (latest?.type === 'EarlyStopped' && latest.status === 'True') return;
          if (Date.now() > deadline) {
            throw new Error(`SetTrialStatus for trial "${name}" succeeded, but the Trial's latest condition is ${latest?.type ?? 'missing'}, not EarlyStopped`);
          }
          await new Promise((resolve) => setTimeout(resolve, MARK_POLL_MS));
        }
      },
    },
    async forget(trialNames) {
      for (const name of trialNames) {
        trialApi.trials.delete(name);
        await logs.delete(name);
      }
    },
  };
  const running = service;
  return {
    harness,
    service: running,
    async close() {
      endpoint.close();
      logs.close();
      await running.stop();
      await trialApi.close();
      await db.close();
    },
  };
}
