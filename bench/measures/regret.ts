import type { ProblemDefinition } from '../problems/problem-catalog.js';
import type { RunRecord } from '../report/results-file.js';
import { quartiles, type Quartiles } from './quantiles.js';

/** How far `value` is from the problem's optimum: >= 0, 0 at the optimum, whatever the objective's direction. */
export function regretOf(problem: ProblemDefinition, value: number): number {
  return problem.objective.type === 'minimize' ? value - problem.optimum : problem.optimum - value;
}

/**
 * Regret of the best value found after each of the first `budget` finished trials (completion order). Before the
 * first success, and after an experiment that stopped early, the regret is Infinity: missing trials count as
 * the worst outcome, never as an improvement.
 */
export function regretCurve(problem: ProblemDefinition, run: RunRecord, budget: number): number[] {
  const curve: number[] = [];
  let best = Infinity;
  for (let k = 0; k < budget; k++) {
    const trial = run.trials[k];
    if (trial === undefined) {
      curve.push(Infinity);
      continue;
    }
    if (trial.value !== null) best = Math.min(best, regretOf(problem, trial.value));
    curve.push(best);
  }
  return curve;
}

/** Median and quartiles over runs (seeds) of the regret after each trial. */
export function regretBand(problem: ProblemDefinition, runs: readonly RunRecord[], budget: number): Quartiles[] {
  const curves = runs.map((run) => regretCurve(problem, run, budget));
  return Array.from({ length: budget }, (_, k) => quartiles(curves.map((curve) => curve[k]!)));
}
