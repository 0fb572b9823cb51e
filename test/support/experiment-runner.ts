import type { GetSuggestionsReply__Output } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsReply.js';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { Experiment } from '../../shared/wire/generated/api/v1/beta1/Experiment.js';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';
import { assignmentsOf, suggestionsRequest, trial } from './requests.js';

export type Suggest = (request: GetSuggestionsRequest) => Promise<GetSuggestionsReply__Output>;

/**
 * Runs an experiment of `trialCount` trials in batches of `batch`, each batch evaluated by `objective` after it is
 * suggested, and returns every trial with its value. Used by the algorithms' quality tests.
 */
export async function runSequentialExperiment(options: {
  suggest: Suggest;
  experiment: Experiment;
  objective: (assignment: Record<string, string>) => number;
  trialCount: number;
  batch?: number;
}): Promise<{ trials: Trial[]; values: number[] }> {
  const trials: Trial[] = [];
  const values: number[] = [];
  const batch = options.batch ?? 1;
  let total = 0;
  while (trials.length < options.trialCount) {
    const count = Math.min(batch, options.trialCount - trials.length);
    total += count;
    const reply = await options.suggest(suggestionsRequest(options.experiment, trials, count, total));
    for (const assignment of assignmentsOf(reply)) {
      const value = options.objective(assignment);
      values.push(value);
      trials.push(trial(`${options.experiment.name}-${trials.length + 1}`, assignment, 'SUCCEEDED', String(value)));
    }
  }
  return { trials, values };
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
