import type { AlgorithmRegistry } from '../algorithm/algorithm-registry.js';
import { UsedPoints } from '../algorithm/used-points.js';
import { failedPrecondition, invalidArgument } from '../errors/service-error.js';
import { parseHistory } from '../history/trial-history.js';
import type { Rng } from '../random/rng.js';
import { rngForRequest } from '../random/seed.js';
import type { Point } from '../space/search-space.js';
import type { GetSuggestionsReply, GetSuggestionsRequest } from '../wire/messages.js';
import { parseExperiment } from './parse-experiment.js';

/** The most assignments one call may ask for; Katib asks for at most parallel_trial_count at a time. */
export const MAX_REQUEST_COUNT = 10_000;

/** What a GetSuggestions call did, for its log line and metrics. */
export interface SuggestionOutcome {
  reply: GetSuggestionsReply;
  completed: number;
  pending: number;
  failed: number;
  warnings: string[];
}

/**
 * GetSuggestions as a pure function of the request: parse, suggest, keep the batch distinct, format.
 * Throws ServiceError for anything the caller must fix.
 */
export function getSuggestions(request: GetSuggestionsRequest, registry: AlgorithmRegistry): SuggestionOutcome {
  const { algorithm, settings, space, facts } = parseExperiment(request.experiment, registry);
  const count = request.current_request_number;
  if (!(count >= 1 && count <= MAX_REQUEST_COUNT)) {
    throw invalidArgument(`current_request_number ${count} is out of range; expected an integer from 1 to ${MAX_REQUEST_COUNT}`);
  }
  const history = parseHistory(request.trials, space, facts.objective);
  const used = new UsedPoints(space, history.usedKeys);
  if (used.remaining < count) {
    throw failedPrecondition(
      `the search space is exhausted: it has ${space.size} distinct assignments, ${used.size} are used by existing trials, ` +
        `and ${count} more were requested`,
    );
  }
  const rng = rngForRequest({
    experimentName: facts.name,
    randomState: algorithm.randomState(settings),
    trialCount: request.trials.length,
    totalRequestNumber: request.total_request_number,
    currentRequestNumber: count,
  });
  const handedOut = assignmentsHandedOut(request);
  const proposed = algorithm.suggest({
    space,
    history,
    count,
    handedOut,
    rng,
    settings,
    experiment: facts,
    used: new UsedPoints(space, history.usedKeys),
  });
  if (proposed.length !== count) {
    throw new Error(`algorithm ${algorithm.name} returned ${proposed.length} points for a request of ${count}`);
  }
  const points = keepDistinct(proposed, used, rng);
  return {
    reply: {
      parameter_assignments: points.map((point) => ({ assignments: space.decode(point), trial_name: '', labels: {} })),
    },
    completed: history.completed.length,
    pending: history.pending.length,
    failed: history.failed.length,
    warnings: [...space.warnings, ...history.warnings],
  };
}

/**
 * Assignments handed out before this call. Katib sets total_request_number to every assignment it ever asked
 * for, so the difference is exact under Katib; a client that leaves total_request_number unset (0) or too small
 * gets the trials it sent.
 */
export function assignmentsHandedOut(request: GetSuggestionsRequest): number {
  return Math.max(request.trials.length, request.total_request_number - request.current_request_number);
}

/** Each proposed point in turn, replaced by a random unused point when it repeats a trial or an earlier one. */
function keepDistinct(proposed: readonly Point[], used: UsedPoints, rng: Rng): Point[] {
  const replacementRng = rng.fork();
  return proposed.map((point) => {
    const canonical = used.space.canonical(point);
    return used.add(canonical) ? canonical : used.takeRandom(replacementRng);
  });
}
