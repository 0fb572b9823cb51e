import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import type { ExitStatus } from '../../../shared/process/listening-process.js';
import { CATALOGUE } from '../../../services/catalogue.js';
import { katibApi } from '../../../shared/wire/katib-api.js';
import type { GetEarlyStoppingRulesReply__Output } from '../../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesReply.js';
import type { GetEarlyStoppingRulesRequest } from '../../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesRequest.js';
import type { GetObservationLogRequest__Output } from '../../../shared/wire/generated/api/v1/beta1/GetObservationLogRequest.js';
import type { GetSuggestionsReply__Output } from '../../../shared/wire/generated/api/v1/beta1/GetSuggestionsReply.js';
import type { GetSuggestionsRequest } from '../../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { Experiment } from '../../../shared/wire/generated/api/v1/beta1/Experiment.js';
import { categoricalParameter, doubleParameter, experiment, intParameter, suggestionsRequest, trial } from '../../support/requests.js';
import { CALL_HANG_GUARD_MS } from '../../support/hang-guard.js';

/**
 * What the deployment and image tests do with a started service, wherever it runs (a temporary install or an
 * image under buildah): wait for its "listening" line, ask its health service, make one real call, stop it.
 */

/** The early-stopping services (services/catalogue.ts); every other service folder is a suggestion service. */
export const EARLY_STOPPING_SERVICES = new Set(CATALOGUE.filter((entry) => entry.kind === 'early-stopping').map((entry) => entry.service));

/** Katib algorithm names each suggestion service answers for (the tpe image serves both of its names). */
export const ALGORITHMS_OF: Record<string, string[]> = Object.fromEntries(
  CATALOGUE.filter((entry) => entry.kind === 'suggestion').map((entry) => [entry.service, entry.algorithms.map((algorithm) => algorithm.name)]),
);

/** Health names Katib and tools ask for; each must answer SERVING. */
export function healthNamesOf(service: string): string[] {
  return EARLY_STOPPING_SERVICES.has(service)
    ? ['', 'api.v1.beta1.EarlyStopping']
    : ['', 'manager.v1beta1.Suggestion', 'api.v1.beta1.Suggestion'];
}

const healthDefinition = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String })) as unknown as {
  grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
};

/** The health status of `service` at `address` ("SERVING", "NOT_SERVING", ...). */
export function healthStatus(address: string, service: string, deadlineMs = 3_000): Promise<string> {
  const client = new healthDefinition.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    (client as unknown as { check: Function }).check(
      { service },
      { deadline: Date.now() + deadlineMs },
      (error: grpc.ServiceError | null, reply: { status: string }) => (error ? reject(error) : resolve(reply.status)),
    );
  }).finally(() => client.close());
}

/** Asks until `service` is SERVING; resolves with the time at which it first was (Date.now()). */
export async function waitForServing(address: string, service: string, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      if ((await healthStatus(address, service, 1_000)) === 'SERVING') return Date.now();
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${address} did not answer SERVING for ${JSON.stringify(service)} within ${timeoutMs} ms (last error: ${String(last)})`);
}

/** Settings an algorithm cannot run without: hyperband's budget parameter and largest budget. */
const REQUIRED_SETTINGS: Record<string, Record<string, string>> = {
  hyperband: { resource_name: 'layers', r_l: '4', eta: '2' },
};

/** A small experiment that every algorithm accepts: grid needs a step on doubles. */
export function smokeSuggestionsRequest(algorithm: string, count: number): GetSuggestionsRequest {
  const parameters = [
    doubleParameter('lr', '0.01', '0.05', { step: '0.01' }),
    intParameter('layers', '2', '5'),
    categoricalParameter('optimizer', ['sgd', 'adam', 'ftrl']),
  ];
  const spec = experiment({ name: `image-smoke-${algorithm}`, algorithm, parameters, settings: REQUIRED_SETTINGS[algorithm], maxTrialCount: 12, parallelTrialCount: count });
  const history = [
    trial(`image-smoke-${algorithm}-1`, { lr: '0.01', layers: '2', optimizer: 'sgd' }, 'SUCCEEDED', '0.52'),
    trial(`image-smoke-${algorithm}-2`, { lr: '0.03', layers: '4', optimizer: 'adam' }, 'SUCCEEDED', '0.31'),
  ];
  return suggestionsRequest(spec, history, count);
}

export function getSuggestions(address: string, request: GetSuggestionsRequest, deadlineMs = CALL_HANG_GUARD_MS): Promise<GetSuggestionsReply__Output> {
  const client = new katibApi.Suggestion(address, grpc.credentials.createInsecure());
  return new Promise<GetSuggestionsReply__Output>((resolve, reject) => {
    client.GetSuggestions(request, { deadline: Date.now() + deadlineMs }, (error, reply) => (error ? reject(error) : resolve(reply!)));
  }).finally(() => client.close());
}

export interface FakeDbManager {
  address: string;
  /** GetObservationLog requests received, in order. */
  requests: GetObservationLogRequest__Output[];
  close(): Promise<void>;
}

/**
 * Katib's DB manager as far as median stopping reads it: every trial logged `loss` at steps 1..6, trial i's
 * values being shifted by i, so the trials' early averages differ.
 */
export async function startFakeDbManager(): Promise<FakeDbManager> {
  const server = new grpc.Server();
  const requests: GetObservationLogRequest__Output[] = [];
  server.addService(katibApi.DBManager.service, {
    GetObservationLog(call: grpc.ServerUnaryCall<GetObservationLogRequest__Output, unknown>, callback: grpc.sendUnaryData<unknown>) {
      requests.push(call.request);
      const offset = Number(/(\d+)$/.exec(call.request.trial_name)?.[1] ?? '0');
      const metric_logs = [1, 2, 3, 4, 5, 6].map((step) => ({
        time_stamp: new Date(Date.UTC(2026, 0, 1, 0, step)).toISOString().replace('.000Z', 'Z'),
        metric: { name: call.request.metric_name, value: String(1 / step + offset / 10) },
      }));
      callback(null, { observation_log: { metric_logs } });
    },
    ReportObservationLog(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
      callback(null, {});
    },
    DeleteObservationLog(_call: unknown, callback: grpc.sendUnaryData<unknown>) {
      callback(null, {});
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    address: `127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** Three succeeded trials with median stopping enabled (min_trials_required 2, start_step 2). */
export function smokeEarlyStoppingRequest(dbManagerAddress: string): GetEarlyStoppingRulesRequest {
  const spec = experiment({
    name: 'image-smoke-medianstop',
    algorithm: 'random',
    parameters: [doubleParameter('lr', '0.01', '0.05')],
  });
  spec.spec!.early_stopping = {
    algorithm_name: 'medianstop',
    algorithm_settings: [
      { name: 'min_trials_required', value: '2' },
      { name: 'start_step', value: '2' },
    ],
  };
  const trials = [1, 2, 3].map((i) => {
    const done = trial(`image-smoke-medianstop-${i}`, { lr: '0.0' + (i + 1) }, 'SUCCEEDED', String(0.1 * i));
    done.status!.start_time = '2026-01-01T00:00:00Z';
    done.status!.completion_time = '2026-01-01T00:10:00Z';
    return done;
  });
  return { experiment: spec, trials, db_manager_address: dbManagerAddress };
}

export function getEarlyStoppingRules(address: string, request: GetEarlyStoppingRulesRequest, deadlineMs = CALL_HANG_GUARD_MS): Promise<GetEarlyStoppingRulesReply__Output> {
  const client = new katibApi.EarlyStopping(address, grpc.credentials.createInsecure());
  return new Promise<GetEarlyStoppingRulesReply__Output>((resolve, reject) => {
    client.GetEarlyStoppingRules(request, { deadline: Date.now() + deadlineMs }, (error, reply) => (error ? reject(error) : resolve(reply!)));
  }).finally(() => client.close());
}

/** Shutdown deadline the services are started with in these tests (SHUTDOWN_GRACE_SECONDS). */
export const TEST_GRACE_SECONDS = 5;

/**
 * Sends SIGTERM to `pid` and resolves with how the watched process ended. Rejects when it is still running
 * after the drain deadline plus a margin for process exit: a service must not need SIGKILL.
 */
export async function terminate(pid: number, exited: Promise<ExitStatus>, graceSeconds = TEST_GRACE_SECONDS) {
  process.kill(pid, 'SIGTERM');
  // The margin is for a busy machine, not a measurement: only a process that never exits by itself reaches it.
  const limitMs = graceSeconds * 1000 + 60_000;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`still running ${limitMs} ms after SIGTERM (drain deadline ${graceSeconds} s)`)), limitMs);
  });
  try {
    return await Promise.race([exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A Katib Experiment manifest (deploy/examples) as the controller sends it over the wire. */
export function experimentFromManifest(manifest: Record<string, any>): Experiment {
  const spec = manifest['spec'];
  const settings = (list: { name: string; value: string }[] | undefined) => (list ?? []).map(({ name, value }) => ({ name, value }));
  return {
    name: manifest['metadata'].name,
    spec: {
      parameter_specs: {
        parameters: (spec.parameters as Record<string, any>[]).map((parameter) => ({
          name: parameter['name'],
          parameter_type: String(parameter['parameterType']).toUpperCase() as 'DOUBLE',
          feasible_space: {
            ...parameter['feasibleSpace'],
            ...(parameter['feasibleSpace'].distribution ? { distribution: toWireDistribution(parameter['feasibleSpace'].distribution) } : {}),
          },
        })),
      },
      objective: {
        type: String(spec.objective.type).toUpperCase() as 'MINIMIZE',
        goal: spec.objective.goal,
        objective_metric_name: spec.objective.objectiveMetricName,
        additional_metric_names: spec.objective.additionalMetricNames ?? [],
      },
      algorithm: { algorithm_name: spec.algorithm.algorithmName, algorithm_settings: settings(spec.algorithm.algorithmSettings) },
      ...(spec.earlyStopping
        ? { early_stopping: { algorithm_name: spec.earlyStopping.algorithmName, algorithm_settings: settings(spec.earlyStopping.algorithmSettings) } }
        : {}),
      parallel_trial_count: spec.parallelTrialCount,
      max_trial_count: spec.maxTrialCount,
    },
  };
}

/** Katib's CRD spells distributions camelCase (logUniform); the wire enum is LOG_UNIFORM. */
function toWireDistribution(distribution: string): string {
  return distribution.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase();
}

export function validateAlgorithmSettings(address: string, spec: Experiment, deadlineMs = CALL_HANG_GUARD_MS): Promise<void> {
  const client = new katibApi.Suggestion(address, grpc.credentials.createInsecure());
  return new Promise<void>((resolve, reject) => {
    client.ValidateAlgorithmSettings({ experiment: spec }, { deadline: Date.now() + deadlineMs }, (error) => (error ? reject(error) : resolve()));
  }).finally(() => client.close());
}

export function validateEarlyStoppingSettings(address: string, spec: Experiment, deadlineMs = CALL_HANG_GUARD_MS): Promise<void> {
  const client = new katibApi.EarlyStopping(address, grpc.credentials.createInsecure());
  return new Promise<void>((resolve, reject) => {
    client.ValidateEarlyStoppingSettings({ early_stopping: spec.spec!.early_stopping! }, { deadline: Date.now() + deadlineMs }, (error) =>
      error ? reject(error) : resolve(),
    );
  }).finally(() => client.close());
}
