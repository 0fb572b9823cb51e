import type { Experiment } from '../../shared/wire/generated/api/v1/beta1/Experiment.js';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';
import type { Suggest } from './experiment-runner.js';
import { assignmentsOf, trial, type Condition } from './requests.js';

/** How one trial ended: its last condition, and its objective value when it reported one. */
export interface TrialEnd {
  condition: Condition;
  value?: string;
}

/**
 * Katib's ConvertTrials leaves these out of every request: MetricsUnavailable trials, and early-stopped trials
 * without an observation. They still count in total_request_number, which counts every assignment handed out.
 */
export function katibSends(t: Trial): boolean {
  const condition = t.status?.condition;
  if (condition === 'METRICSUNAVAILABLE') return false;
  return !(condition === 'EARLYSTOPPED' && (t.status?.observation?.metrics ?? []).length === 0);
}

/**
 * Runs an Experiment against a service with requests shaped as Katib's controller shapes them: batches of
 * `parallelTrialCount` that all end before the next request, until `maxTrialCount` assignments are handed out;
 * `end` decides how each trial ends. Returns every assignment in the order handed out, and the requests sent.
 */
export async function runKatibShaped(options: {
  suggest: Suggest;
  experiment: Experiment;
  maxTrialCount: number;
  parallelTrialCount: number;
  end: (assignment: Record<string, string>, number: number) => TrialEnd;
}): Promise<{ assignments: Record<string, string>[]; requests: GetSuggestionsRequest[] }> {
  const trials: Trial[] = [];
  const assignments: Record<string, string>[] = [];
  const requests: GetSuggestionsRequest[] = [];
  while (assignments.length < options.maxTrialCount) {
    const count = Math.min(options.parallelTrialCount, options.maxTrialCount - assignments.length);
    const request: GetSuggestionsRequest = {
      experiment: options.experiment,
      trials: trials.filter(katibSends),
      current_request_number: count,
      total_request_number: assignments.length + count,
    };
    requests.push(request);
    for (const assignment of assignmentsOf(await options.suggest(request))) {
      const number = assignments.length + 1;
      const { condition, value } = options.end(assignment, number);
      assignments.push(assignment);
      trials.push(trial(`${options.experiment.name}-${number}`, assignment, condition, value));
    }
  }
  return { assignments, requests };
}
