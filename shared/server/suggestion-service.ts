import { isMainThread, parentPort } from 'node:worker_threads';
import { AlgorithmRegistry } from '../algorithm/algorithm-registry.js';
import type { SuggestionServiceDefinition } from '../algorithm/service-definition.js';
import { getSuggestions } from '../suggestion/get-suggestions.js';
import { validateAlgorithmSettings } from '../suggestion/validate-algorithm-settings.js';
import { katibApi } from '../wire/katib-api.js';
import type { GetSuggestionsReply, GetSuggestionsRequest, ValidateAlgorithmSettingsRequest } from '../wire/messages.js';
import { decodeRequest, withRequestBytes } from '../wire/request-bytes.js';
import type { ServiceBinding } from './grpc-host.js';
import { runService } from './run-service.js';
import { serveWorkerJobs, WorkerPool, type Annotate } from './worker-pool.js';

/** The health name Katib's suggestion readiness probe asks for. */
export const KATIB_SUGGESTION_HEALTH_NAME = 'manager.v1beta1.Suggestion';

/**
 * Runs one task on a request's encoded bytes, in whichever thread it is called; `annotate` receives the call's
 * log fields, on failure too.
 */
export type Compute = (task: SuggestionTask, request: Uint8Array, annotate: Annotate) => Promise<unknown>;
export type SuggestionTask = 'getSuggestions' | 'validate';

const methods = katibApi.Suggestion.service;

/**
 * The Suggestion service's gRPC binding: handlers receive the request's bytes and hand them to `compute`, which
 * decodes and runs the pipeline (in a worker thread, in a service process); the algorithms do the rest.
 */
export function suggestionBinding(compute: Compute): ServiceBinding {
  return {
    serviceName: 'api.v1.beta1.Suggestion',
    definition: withRequestBytes(methods),
    handlers: {
      GetSuggestions: async (request: Buffer, context) => (await compute('getSuggestions', request, context.annotate)) as GetSuggestionsReply,
      ValidateAlgorithmSettings: async (request: Buffer, context) => {
        await compute('validate', request, context.annotate);
        return {};
      },
    },
  };
}

/** Computes in the calling thread: for tests and for WORKER_THREADS=0. */
export function inlineCompute(registry: AlgorithmRegistry): Compute {
  const tasks = suggestionTasks(registry);
  return async (task, request, annotate) => tasks[task](request, annotate);
}

/** Hands the bytes to a worker thread; a copy of them moves there, so grpc-js's buffer is left as it was. */
export function workerCompute(pool: WorkerPool): Compute {
  return (task, request, annotate) => {
    const bytes = new Uint8Array(request);
    return pool.run(task, bytes, annotate, [bytes.buffer]);
  };
}

function suggestionTasks(registry: AlgorithmRegistry): Record<SuggestionTask, (bytes: Uint8Array, annotate: Annotate) => unknown> {
  return {
    getSuggestions(bytes, annotate) {
      const request = decodeRequest<GetSuggestionsRequest>(methods.GetSuggestions, bytes);
      annotate({
        experiment: request.experiment?.name,
        algorithm: request.experiment?.spec?.algorithm?.algorithm_name,
        trials: request.trials.length,
        requested: request.current_request_number,
      });
      const outcome = getSuggestions(request, registry);
      annotate({
        completed: outcome.completed,
        pending: outcome.pending,
        failed: outcome.failed,
        assignments: outcome.reply.parameter_assignments?.length,
        ...(outcome.repeated > 0 ? { repeated: outcome.repeated } : {}),
        ...(outcome.warnings.length > 0 ? { warnings: outcome.warnings } : {}),
      });
      return outcome.reply;
    },
    validate(bytes, annotate) {
      const request = decodeRequest<ValidateAlgorithmSettingsRequest>(methods.ValidateAlgorithmSettings, bytes);
      annotate({ experiment: request.experiment?.name, algorithm: request.experiment?.spec?.algorithm?.algorithm_name });
      const { warnings } = validateAlgorithmSettings(request, registry);
      if (warnings.length > 0) annotate({ warnings });
      return {};
    },
  };
}

/**
 * The process entry of a suggestion service (its main.ts): configuration, gRPC, health, metrics, and a pool of
 * worker threads that each start `workerEntry`, the service's worker.ts, where the algorithms run. Nothing of the
 * process entry runs in a worker, and nothing of the worker entry in the main thread.
 */
export function runSuggestionService(definition: SuggestionServiceDefinition, workerEntry: URL): void {
  if (!isMainThread) throw new Error(`${definition.service}: main.js is the process entry; worker threads start ${workerEntry.href}`);
  void runService({
    name: definition.service,
    summary: `the Katib suggestion service for ${definition.algorithms.map((algorithm) => algorithm.name).join(', ')}`,
    defaultPort: definition.port,
    bindings(config) {
      const pool = config.workerThreads > 0 ? new WorkerPool(workerEntry, config.workerThreads) : undefined;
      const compute = pool ? workerCompute(pool) : inlineCompute(new AlgorithmRegistry(definition.algorithms));
      return {
        bindings: [suggestionBinding(compute)],
        extraHealthNames: [KATIB_SUGGESTION_HEALTH_NAME],
        onStopped: async () => pool?.close(),
        ...(pool ? { workers: () => pool.counts() } : {}),
      };
    },
  });
}

/** The worker entry of a suggestion service (its worker.ts): answers the jobs its process entry's pool sends. */
export function serveSuggestionWorker(definition: SuggestionServiceDefinition): void {
  if (isMainThread || parentPort === null) throw new Error(`${definition.service}: worker.js is a worker thread's entry; start main.js`);
  serveWorkerJobs(parentPort, suggestionTasks(new AlgorithmRegistry(definition.algorithms)));
}
