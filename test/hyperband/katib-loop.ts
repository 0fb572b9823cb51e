import type { CallError } from '../support/clients.js';
import type { Suggest } from '../support/experiment-runner.js';
import { katibSends, type TrialEnd } from '../support/katib-shaped-run.js';
import { assignmentsOf, trial } from '../support/requests.js';
import type { Experiment } from '../../shared/wire/generated/api/v1/beta1/Experiment.js';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';

export interface LoopTrial {
  number: number;
  assignment: Record<string, string>;
  end: TrialEnd;
  /** Still running (its end not yet shown to the service). */
  running: boolean;
}

export interface LoopResult {
  trials: LoopTrial[];
  requests: GetSuggestionsRequest[];
  /** Calls the service answered with an error (hyperband waiting for a rung), with their status. */
  refusals: CallError[];
  /** The algorithm settings of the last request: what Katib keeps in the Suggestion's status. */
  settings: { name: string; value: string }[];
}

/**
 * Katib's controller loop, asynchronous: keeps min(parallel, max - completed) trials active, asks for the free
 * slots (total_request_number counting every assignment handed out), merges each reply's algorithm settings
 * into the Experiment's for later requests (appendAlgorithmSettingsFromSuggestion), leaves MetricsUnavailable
 * and value-less early-stopped trials out of requests, and retries a refused call after the next trial ends, as
 * Katib's requeue does. Trials end one at a time, oldest first, or in the order `pickEnding` chooses.
 */
export async function runKatibLoop(options: {
  suggest: Suggest;
  experiment: Experiment;
  parallel: number;
  max: number;
  end: (assignment: Record<string, string>, number: number) => TrialEnd;
  /** Index into the running trials of the one that ends next. */
  pickEnding?: (running: readonly LoopTrial[]) => number;
  /** Called before each request; may swap the service (a restart). */
  beforeCall?: (call: number) => Promise<void>;
}): Promise<LoopResult> {
  const trials: LoopTrial[] = [];
  const requests: GetSuggestionsRequest[] = [];
  const refusals: CallError[] = [];
  let settings = [...(options.experiment.spec?.algorithm?.algorithm_settings ?? [])].map((s) => ({ name: s.name!, value: s.value! }));
  const completed = () => trials.filter((t) => !t.running).length;
  for (let step = 0; completed() < options.max; step++) {
    if (step > 100_000) throw new Error('the Experiment never finished');
    const active = trials.filter((t) => t.running).length;
    const wanted = Math.min(options.parallel, options.max - completed()) - active;
    if (wanted > 0) {
      await options.beforeCall?.(requests.length);
      const experiment: Experiment = { ...options.experiment, spec: { ...options.experiment.spec, algorithm: { ...options.experiment.spec!.algorithm, algorithm_settings: settings } } };
      const request: GetSuggestionsRequest = {
        experiment,
        trials: trials.map(toTrial).filter(katibSends),
        current_request_number: wanted,
        total_request_number: trials.length + wanted,
      };
      requests.push(request);
      try {
        const reply = await options.suggest(request);
        if (reply.parameter_assignments.length !== wanted) throw new Error(`reply of ${reply.parameter_assignments.length} for ${wanted}`);
        for (const assignment of assignmentsOf(reply)) {
          const number = trials.length + 1;
          trials.push({ number, assignment, end: options.end(assignment, number), running: true });
        }
        for (const setting of reply.algorithm?.algorithm_settings ?? []) {
          const merged = { name: setting.name, value: setting.value };
          settings = settings.some((s) => s.name === setting.name) ? settings.map((s) => (s.name === setting.name ? merged : s)) : [...settings, merged];
        }
      } catch (error) {
        const callError = error as CallError;
        if (callError.code === undefined) throw error;
        refusals.push(callError);
        if (active === 0) throw new Error(`refused with nothing running: ${callError.details}`);
      }
    }
    const running = trials.filter((t) => t.running);
    if (running.length === 0) continue;
    running[options.pickEnding?.(running) ?? 0]!.running = false;
  }
  return { trials, requests, refusals, settings };
}

function toTrial(t: LoopTrial): Trial {
  return t.running ? trial(`t-${t.number}`, t.assignment, 'RUNNING') : trial(`t-${t.number}`, t.assignment, t.end.condition, t.end.value);
}
