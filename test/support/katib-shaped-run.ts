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

/** An Experiment as the request sequences below play it; `end` decides how each trial ends. */
interface KatibShapedRun {
  suggest: Suggest;
  experiment: Experiment;
  maxTrialCount: number;
  parallelTrialCount: number;
  end: (assignment: Record<string, string>, number: number) => TrialEnd;
}

/** Every assignment in the order handed out, and the requests sent. */
interface KatibShapedOutcome {
  assignments: Record<string, string>[];
  requests: GetSuggestionsRequest[];
}

/**
 * Runs an Experiment against a service with requests shaped as Katib's controller shapes them: batches of
 * `parallelTrialCount` that all end before the next request, until `maxTrialCount` assignments are handed out;
 * `end` decides how each trial ends. Returns every assignment in the order handed out, and the requests sent.
 */
export async function runKatibShaped(options: KatibShapedRun): Promise<KatibShapedOutcome> {
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

/**
 * Runs an Experiment with requests that lag behind the trials, as Katib's controllers send them: when a trial
 * ends, the experiment controller raises the Suggestion's requests before it creates the Trials of the last
 * reply, so the suggestion controller's next request, listing the Trials it has seen, lacks them while
 * total_request_number counts them. `parallelTrialCount` trials run at a time; before each request the oldest
 * running one ends, as `end` decides. Returns every assignment in the order handed out, and the requests sent.
 */
export async function runKatibLagging(options: KatibShapedRun): Promise<KatibShapedOutcome> {
  const trials: { trial: Trial; assignment: Record<string, string>; running: boolean }[] = [];
  const requests: GetSuggestionsRequest[] = [];
  let lastReply = 0;
  while (trials.length < options.maxTrialCount) {
    const running = trials.filter((entry) => entry.running);
    if (running.length >= options.parallelTrialCount) {
      const oldest = running[0]!;
      const { condition, value } = options.end(oldest.assignment, trials.indexOf(oldest) + 1);
      oldest.running = false;
      oldest.trial = trial(oldest.trial.name!, oldest.assignment, condition, value);
    }
    const count = Math.min(options.parallelTrialCount - trials.filter((entry) => entry.running).length, options.maxTrialCount - trials.length);
    const request: GetSuggestionsRequest = {
      experiment: options.experiment,
      trials: trials.slice(0, trials.length - lastReply).map((entry) => entry.trial).filter(katibSends),
      current_request_number: count,
      total_request_number: trials.length + count,
    };
    requests.push(request);
    const reply = assignmentsOf(await options.suggest(request));
    for (const assignment of reply) {
      trials.push({ trial: trial(`${options.experiment.name}-${trials.length + 1}`, assignment, 'RUNNING'), assignment, running: true });
    }
    lastReply = reply.length;
  }
  return { assignments: trials.map((entry) => entry.assignment), requests };
}
