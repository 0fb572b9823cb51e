import type { Proposal, SuggestContext, SuggestionAlgorithm } from '../../shared/algorithm/suggestion-algorithm.js';
import { awaitingResults, invalidRequest } from '../../shared/errors/service-error.js';
import type { Point, SearchSpace } from '../../shared/space/search-space.js';
import { bracketAt, runOf } from './bracket-plan.js';
import { BracketState, recordSlot, type Outcome, type Slot } from './bracket-state.js';
import { ConfigurationSequence } from './configuration-sequence.js';
import { hyperbandSettings, PROGRESS_SETTING, type HyperbandSettings } from './hyperband-settings.js';
import { formatProgress, parseProgress } from './progress-record.js';
import { budgetParameters, resourcePlan, type ResourcePlan } from './resource-parameter.js';

/**
 * Hyperband: brackets of successive halving, each starting many configurations at a small budget and re-running
 * the best 1/eta of each rung at eta times the budget, up to r_l. Its position comes from the request: the
 * hyperband_progress setting of its last reply (which Katib merges into every later request) says what each
 * bracket handed out, the trials say how those runs ended. Brackets are independent, so when one waits for its
 * rung to report, the next one starts: any parallelTrialCount keeps busy.
 */
export const hyperband: SuggestionAlgorithm<typeof hyperbandSettings, Proposal> = {
  name: 'hyperband',
  settings: hyperbandSettings,
  randomState: (settings) => settings.randomState,
  adaptParameters: budgetParameters,
  validateBeforeStart(_space, settings) {
    if (settings.progress !== undefined) {
      throw invalidRequest(
        `algorithm hyperband: setting ${JSON.stringify(PROGRESS_SETTING)} is set in the Experiment; expected it unset: the service writes it into Katib's Suggestion status as the Experiment runs`,
      );
    }
  },
  planWarnings(space, settings, experiment) {
    const { plan } = planOf(space, settings);
    const run = `one Hyperband run is ${plan.trialsPerRun} trials in ${plan.brackets.length} brackets`;
    if (experiment.maxTrialCount === 0) {
      return [`no max_trial_count is set: after ${run}, the brackets run again with new configurations until the goal is met (set max_trial_count to ${plan.trialsPerRun} to end the Experiment when every bracket is done)`];
    }
    if (experiment.maxTrialCount < plan.trialsPerRun) {
      return [`max_trial_count ${experiment.maxTrialCount} ends the Experiment before every bracket is done: ${run} (set max_trial_count to ${plan.trialsPerRun} for all of them)`];
    }
    return [];
  },
  suggest: suggestHyperband,
};

function planOf(space: SearchSpace, settings: HyperbandSettings): ResourcePlan {
  const parameters = space.dimensions.map((dimension) => ({
    name: dimension.name,
    parameter_type: dimension.kind === 'int' ? ('INT' as const) : dimension.kind === 'double' ? ('DOUBLE' as const) : ('CATEGORICAL' as const),
  }));
  return resourcePlan(parameters, settings);
}

function suggestHyperband({ space, history, count, handedOut, settings, experiment }: SuggestContext<HyperbandSettings>): Proposal {
  const { plan, resourceName, budgetValue } = planOf(space, settings);
  const resourceIndex = space.dimensions.findIndex((dimension) => dimension.name === resourceName);
  const sequence = new ConfigurationSequence(space, resourceIndex, plan, experiment.name, settings.randomState);
  const pointOf = (g: number, configuration: number, rung: number): Point => {
    const point = [...sequence.bracket(g)[configuration]!];
    point[resourceIndex] = space.dimensions[resourceIndex]!.encode(budgetValue(bracketAt(plan, g).rungs[rung]!.budget));
    return point;
  };

  const outcomes = new Map<string, Outcome>();
  for (const trial of history.failed) outcomes.set(trial.key, { kind: 'ended' });
  for (const trial of history.pending) outcomes.set(trial.key, { kind: 'pending' });
  for (const trial of history.completed) outcomes.set(trial.key, { kind: 'completed', loss: trial.loss });
  const { brackets: progress, latest: previousReply } = parseProgress(settings.progress, plan);
  // Assignments of this reply count as running: their brackets wait for them like for the request's own.
  const handedNow = new Set<string>();
  const thisReply = new Map<number, number>();
  const stateOf = (g: number) =>
    new BracketState(
      g,
      bracketAt(plan, g),
      progress[g]!,
      (configuration, rung) => {
        const key = space.key(pointOf(g, configuration, rung));
        return handedNow.has(key) ? { kind: 'pending' } : outcomes.get(key);
      },
      previousReply.get(g),
    );

  const slots: Slot[] = [];
  const take = (available: readonly Slot[], limit = Infinity) => {
    for (const slot of available.slice(0, Math.min(limit, count - slots.length))) {
      recordSlot(progress[slot.g]!, slot);
      handedNow.add(space.key(pointOf(slot.g, slot.configuration, slot.rung)));
      thisReply.set(slot.g, (thisReply.get(slot.g) ?? 0) + 1);
      slots.push(slot);
    }
  };
  // What the started brackets can hand out now, earliest bracket first.
  const started = progress.map((_, g) => stateOf(g));
  const waitingFor = started.reduce((sum, state) => sum + state.waitingFor, 0);
  for (const state of started) take(state.available());
  // Then new brackets: the rest of the current run's freely. The next run's start only within max_trial_count
  // once what the current run may still need is kept back, unless no trial of the request is running: then a
  // retry of this call would get the same request, and Katib would retry it for ever.
  const canWait = waitingFor > 0 && history.pending.length > 0;
  const currentRun = progress.length === 0 ? 0 : runOf(plan, progress.length - 1);
  const runEnd = plan.brackets.length * (currentRun + 1);
  const stillNeeded = () => {
    let sum = 0;
    for (let g = 0; g < runEnd; g++) sum += g < progress.length ? stateOf(g).remaining : bracketAt(plan, g).rungs.reduce((total, rung) => total + rung.size, 0);
    return sum;
  };
  while (slots.length < count) {
    const g = progress.length;
    let limit = Infinity;
    if (g >= runEnd && canWait && experiment.maxTrialCount > 0) {
      limit = experiment.maxTrialCount - handedOut - slots.length - stillNeeded();
      if (limit <= 0) {
        throw awaitingResults(
          `hyperband waits for ${waitingFor} trial(s) to report before it can promote the best of their rung: ` +
            `${slots.length} of the ${count} assignments asked for can start now, and the rest of max_trial_count ${experiment.maxTrialCount} ` +
            `is kept for the promotions; Katib retries the call`,
        );
      }
    }
    progress.push({ started: 0, promoted: [] });
    take(stateOf(g).available(), limit);
  }
  return {
    points: slots.map((slot) => pointOf(slot.g, slot.configuration, slot.rung)),
    algorithmSettings: [{ name: PROGRESS_SETTING, value: formatProgress({ brackets: progress, latest: thisReply }) }],
  };
}
