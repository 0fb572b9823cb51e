import { isMainThread, parentPort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { AlgorithmRegistry } from '../algorithm/algorithm-registry.js';
import type { AnySuggestionAlgorithm } from '../algorithm/suggestion-algorithm.js';
import { getSuggestions, type SuggestionOutcome } from '../suggestion/get-suggestions.js';
import { validateAlgorithmSettings } from '../suggestion/validate-algorithm-settings.js';
import { katibApi } from '../wire/katib-api.js';
import type { GetSuggestionsRequest, ValidateAlgorithmSettingsRequest } from '../wire/messages.js';
import type { ServiceBinding } from './grpc-host.js';
import { runService } from './run-service.js';
import { serveWorkerJobs, WorkerPool } from './worker-pool.js';

/** The health name Katib's suggestion readiness probe asks for. */
export const KATIB_SUGGESTION_HEALTH_NAME = 'manager.v1beta1.Suggestion';
export const SUGGESTION_PORT = 6789;

/** Runs the pipeline for one task, in whichever thread it is called. */
type Compute = (task: 'getSuggestions' | 'validate', request: unknown) => Promise<unknown>;

/** The Suggestion service's gRPC binding: convert, compute, convert back; the algorithms do the rest. */
export function suggestionBinding(compute: Compute): ServiceBinding {
  return {
    serviceName: 'api.v1.beta1.Suggestion',
    definition: katibApi.Suggestion.service,
    handlers: {
      async GetSuggestions(request: GetSuggestionsRequest, context) {
        context.annotate({
          experiment: request.experiment?.name,
          algorithm: request.experiment?.spec?.algorithm?.algorithm_name,
          trials: request.trials.length,
          requested: request.current_request_number,
        });
        const outcome = (await compute('getSuggestions', request)) as SuggestionOutcome;
        context.annotate({ completed: outcome.completed, pending: outcome.pending, failed: outcome.failed, assignments: outcome.reply.parameter_assignments?.length });
        for (const warning of outcome.warnings) context.logger.warn({ experiment: request.experiment?.name }, warning);
        return outcome.reply;
      },
      async ValidateAlgorithmSettings(request: ValidateAlgorithmSettingsRequest, context) {
        context.annotate({ experiment: request.experiment?.name, algorithm: request.experiment?.spec?.algorithm?.algorithm_name });
        await compute('validate', request);
        return {};
      },
    },
  };
}

/** Computes in the calling thread: for tests and for WORKER_THREADS=0. */
export function inlineCompute(registry: AlgorithmRegistry): Compute {
  const tasks = workerTasks(registry);
  return async (task, request) => tasks[task](request as never);
}

function workerTasks(registry: AlgorithmRegistry) {
  return {
    getSuggestions: (request: GetSuggestionsRequest) => getSuggestions(request, registry),
    validate: (request: ValidateAlgorithmSettingsRequest) => validateAlgorithmSettings(request, registry),
  };
}

/**
 * The whole main of a suggestion service. The same module runs in the main thread (gRPC, health, metrics) and
 * in each worker thread (the algorithms), so a service's main.ts is one call.
 */
export function runSuggestionService(name: string, algorithms: readonly AnySuggestionAlgorithm[]): void {
  const registry = new AlgorithmRegistry(algorithms);
  if (!isMainThread) {
    serveWorkerJobs(parentPort!, workerTasks(registry));
    return;
  }
  void runService({
    name,
    defaultPort: SUGGESTION_PORT,
    bindings(config) {
      const pool = config.workerThreads > 0 ? new WorkerPool(pathToFileURL(process.argv[1]!), config.workerThreads) : undefined;
      const compute: Compute = pool ? (task, request) => pool.run(task, request) : inlineCompute(registry);
      return {
        bindings: [suggestionBinding(compute)],
        extraHealthNames: [KATIB_SUGGESTION_HEALTH_NAME],
        onStopped: async () => pool?.close(),
      };
    },
  });
}
