import type { AlgorithmRegistry } from '../algorithm/algorithm-registry.js';
import type { Proposal } from '../algorithm/suggestion-algorithm.js';
import { UsedPoints } from '../algorithm/used-points.js';
import { invalidRequest, ServiceError } from '../errors/service-error.js';
import { parseHistory } from '../history/trial-history.js';
import type { Rng } from '../random/rng.js';
import { rngForRequest } from '../random/seed.js';
import type { RawSetting } from '../settings/settings-schema.js';
import type { Point } from '../space/search-space.js';
import type { GetSuggestionsReply, GetSuggestionsRequest } from '../wire/messages.js';
import { parseExperiment } from './parse-experiment.js';
import { repeatAssignments } from './repeat-assignments.js';

/** The most assignments one call may ask for; Katib asks for at most parallel_trial_count at a time. */
export const MAX_REQUEST_COUNT = 10_000;

/** What a GetSuggestions call did, for its log line and metrics. */
export interface SuggestionOutcome {
  reply: GetSuggestionsReply;
  completed: number;
  pending: number;
  failed: number;
  /** Assignments that repeat a trial's because the space had no unused one left. */
  repeated: number;
  warnings: string[];
}

/**
 * GetSuggestions as a pure function of the request: parse, suggest, keep the batch distinct, format.
 * Throws ServiceError for anything the caller must fix. An exhausted space is not an error: Katib would retry the
 * call for ever, so the batch is filled with repeats of the best assignments (repeatAssignments), with a warning.
 */
export function getSuggestions(request: GetSuggestionsRequest, registry: AlgorithmRegistry): SuggestionOutcome {
  const { algorithm, settings, space, facts } = parseExperiment(request.experiment, registry);
  const count = request.current_request_number;
  if (!(count >= 1 && count <= MAX_REQUEST_COUNT)) {
    throw invalidRequest(`current_request_number ${count} is out of range; expected an integer from 1 to ${MAX_REQUEST_COUNT}`);
  }
  const history = parseHistory(request.trials, space, facts.objective);
  const used = new UsedPoints(space, history.usedKeys);
  const distinctCount = Math.min(count, used.remaining);
  const rng = rngForRequest({
    experimentName: facts.name,
    randomState: algorithm.randomState(settings),
    trialNames: request.trials.map((trial) => trial.name),
    totalRequestNumber: request.total_request_number,
    currentRequestNumber: count,
  });
  let points: Point[] = [];
  let algorithmSettings: RawSetting[] = [];
  if (distinctCount > 0) {
    const proposal = exhaustionAsEmpty(() =>
      algorithm.suggest({
        space,
        history,
        count: distinctCount,
        handedOut: assignmentsHandedOut(request),
        rng,
        settings,
        experiment: facts,
        used: new UsedPoints(space, history.usedKeys),
      }),
    );
    const proposed = Array.isArray(proposal) ? proposal : proposal.points;
    if (!Array.isArray(proposal)) algorithmSettings = proposal.algorithmSettings;
    if (proposed.length > distinctCount) {
      throw new Error(`algorithm ${algorithm.name} returned ${proposed.length} points for a request of ${distinctCount}`);
    }
    points = keepDistinct(proposed, distinctCount, used, rng);
  }
  const warnings = [...space.warnings, ...history.warnings];
  const repeated = count - points.length;
  if (repeated > 0) {
    points.push(...repeatAssignments(space, history, points, repeated));
    warnings.push(
      `the search space has no unused assignment left for ${repeated} of the ${count} requested (${space.isFinite ? `${space.size} distinct assignments, ` : ''}` +
        `${history.usedKeys.size} used by the trials in the request); ${repeated} repeat the best trials' assignments, as re-evaluations`,
    );
  }
  return {
    reply: {
      parameter_assignments: points.map((point) => ({ assignments: space.decode(point), trial_name: '', labels: {} })),
      ...(algorithmSettings.length > 0 ? { algorithm: { algorithm_name: algorithm.name, algorithm_settings: algorithmSettings } } : {}),
    },
    completed: history.completed.length,
    pending: history.pending.length,
    failed: history.failed.length,
    repeated,
    warnings,
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

/**
 * The proposed points, each replaced by a random unused point when it repeats a trial or an earlier one, then
 * topped up with random unused points to `count`; shorter only when no unused point can be found.
 */
function keepDistinct(proposed: readonly Point[], count: number, used: UsedPoints, rng: Rng): Point[] {
  const replacementRng = rng.fork();
  const points: Point[] = [];
  for (const point of proposed) {
    const canonical = used.space.canonical(point);
    const taken = used.add(canonical) ? canonical : exhaustionAsEmpty(() => [used.takeRandom(replacementRng)])[0];
    if (taken === undefined) return points;
    points.push(taken);
  }
  while (points.length < count) {
    const [taken] = exhaustionAsEmpty(() => [used.takeRandom(replacementRng)]);
    if (taken === undefined) break;
    points.push(taken);
  }
  return points;
}

/**
 * `propose()`, or no points when it reports the space used up (space-exhausted from UsedPoints: a space
 * whose size promised more unused points than random draws can find, such as a DOUBLE range a few decimals wide).
 */
function exhaustionAsEmpty<T extends Point[] | Proposal>(propose: () => T): T | Point[] {
  try {
    return propose();
  } catch (error) {
    if (error instanceof ServiceError && error.kind === 'space-exhausted') return [];
    throw error;
  }
}
