import type { TopLevelSpec } from 'vega-lite';
import { median } from '../../shared/numeric/percentile.js';
import { regretOf } from '../measures/regret.js';
import { problemDefinition } from '../problems/problem-catalog.js';
import { LINE_COLOUR_SCALE } from './palette.js';
import { REGRET_FLOOR } from './regret-plot.js';
import type { BenchmarkResults, RunRecord } from './results-file.js';

/** Points along the steps axis. */
const GRID_POINTS = 60;

/** The run's regret after `steps` epochs, counting trials in the order they finished: Infinity before its first value. */
export function regretAfterSteps(run: RunRecord, steps: number, problemName: string): number {
  const problem = problemDefinition(problemName);
  let used = 0;
  let best = Infinity;
  for (const trial of run.trials) {
    used += trial.epochs ?? 1;
    if (used > steps) break;
    if (trial.value !== null) best = Math.min(best, regretOf(problem, trial.value));
  }
  return best;
}

/**
 * Regret against the epochs spent so far, one median line over seeds per target (a suggestion target with a
 * stopping rule): a rule that saves steps reaches a given regret further left, and its line ends where its
 * Experiments ended. Our services solid, the Python peers dashed.
 */
export function regretByStepsSpec(results: BenchmarkResults, problemName: string): TopLevelSpec {
  const runs = results.runs.filter((run) => run.problem === problemName);
  const totals = runs.map((run) => run.trials.reduce((total, trial) => total + (trial.epochs ?? 1), 0));
  const maxSteps = Math.max(...totals);
  const targets = [...new Set(runs.map((run) => run.target))];
  const rows = targets.flatMap((target) => {
    const ofTarget = runs.filter((run) => run.target === target);
    const origin = ofTarget[0]!.kind === 'peer' ? 'peer' : 'katib';
    // A target's line ends at its median Experiment's steps: beyond, most of its seeds had stopped spending.
    const end = median(ofTarget.map((run) => run.trials.reduce((total, trial) => total + (trial.epochs ?? 1), 0)));
    return Array.from({ length: GRID_POINTS + 1 }, (_, i) => Math.round((maxSteps * i) / GRID_POINTS))
      .filter((steps) => steps <= end)
      .flatMap((steps) => {
        const regret = median(ofTarget.map((run) => regretAfterSteps(run, steps, problemName)));
        return Number.isFinite(regret) ? [{ target, origin, steps, regret: Math.max(regret, REGRET_FLOOR) }] : [];
      });
  });
  const seeds = new Set(runs.map((run) => run.seed)).size;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${problemName}: regret against epochs spent`,
      subtitle: `median over ${seeds} seed${seeds === 1 ? '' : 's'} of the best regret after that many epochs, ${results.settings.budget} trials, ${results.settings.parallel} in parallel; solid: Katib services, dashed: Python peers`,
    },
    width: 520,
    height: 320,
    data: { values: rows },
    mark: { type: 'line', strokeWidth: 2 },
    encoding: {
      x: { field: 'steps', type: 'quantitative', title: 'epochs spent (all trials)' },
      y: { field: 'regret', type: 'quantitative', scale: { type: 'log' }, title: 'regret (log scale)' },
      color: { field: 'target', type: 'nominal', title: 'suggestion+early stopping', scale: LINE_COLOUR_SCALE, legend: { symbolType: 'stroke', symbolStrokeWidth: 3, labelLimit: 320, titleLimit: 320 } },
      strokeDash: { field: 'origin', type: 'nominal', scale: { domain: ['katib', 'peer'], range: [[1, 0], [7, 4]] }, legend: null },
    },
  };
}
