import { percentile } from '../../shared/numeric/percentile.js';
import { quartiles, type Quartiles } from '../measures/quantiles.js';
import { regretBand } from '../measures/regret.js';
import { problemDefinition } from '../problems/problem-catalog.js';
import type { BenchmarkResults, RunRecord } from './results-file.js';

/** What one target did on one problem, over all seeds. */
export interface CellSummary {
  target: string;
  problem: string;
  seeds: number;
  /** Regret after each trial: median and quartiles over seeds. */
  band: Quartiles[];
  finalRegret: Quartiles;
  /** Best objective value found: median over seeds. */
  medianBestValue: number | null;
  duplicates: number;
  invalidAssignments: number;
  /** Trials whose training diverged: where the problem has a diverging region, the budget spent there. */
  diverged: number;
  trials: number;
  /** Runs that stopped early, with their first error. */
  failedRuns: number;
  firstError?: string;
}

/** What one target did over all problems. */
export interface TargetSummary {
  target: string;
  kind: RunRecord['kind'];
  calls: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  peakRssKib: number | null;
  duplicates: number;
  invalidAssignments: number;
  trials: number;
  failedRuns: number;
}

export interface Summary {
  budget: number;
  parallel: number;
  targets: string[];
  problems: string[];
  cells: CellSummary[];
  byTarget: TargetSummary[];
}

export function summarise(results: BenchmarkResults): Summary {
  const { budget, parallel } = results.settings;
  const targets = [...new Set(results.runs.map((run) => run.target))];
  const problems = results.settings.problems.filter((problem) => results.runs.some((run) => run.problem === problem));
  const cells: CellSummary[] = [];
  for (const target of targets) {
    for (const problemName of problems) {
      const runs = results.runs.filter((run) => run.target === target && run.problem === problemName);
      if (runs.length === 0) continue;
      const problem = problemDefinition(problemName);
      const band = regretBand(problem, runs, budget);
      const bestValues = runs
        .map((run) => run.trials.map((trial) => trial.value).filter((value): value is number => value !== null))
        .filter((values) => values.length > 0)
        .map((values) => (problem.objective.type === 'minimize' ? Math.min(...values) : Math.max(...values)));
      const failed = runs.filter((run) => run.error !== undefined);
      cells.push({
        target,
        problem: problemName,
        seeds: runs.length,
        band,
        finalRegret: band[budget - 1]!,
        medianBestValue: bestValues.length === runs.length ? quartiles(bestValues).median : null,
        duplicates: sum(runs.map((run) => run.duplicates)),
        invalidAssignments: sum(runs.map((run) => run.invalidAssignments)),
        diverged: sum(runs.map((run) => run.diverged ?? 0)),
        trials: sum(runs.map((run) => run.trials.length)),
        failedRuns: failed.length,
        ...(failed[0]?.error === undefined ? {} : { firstError: failed[0].error }),
      });
    }
  }
  return { budget, parallel, targets, problems, cells, byTarget: targets.map((target) => targetSummary(results.runs, target)) };
}

function targetSummary(all: readonly RunRecord[], target: string): TargetSummary {
  const runs = all.filter((run) => run.target === target);
  const latencies = runs.flatMap((run) => run.calls.map((call) => call.milliseconds));
  const peaks = runs.map((run) => run.peakRssKib).filter((peak): peak is number => peak !== null);
  return {
    target,
    kind: runs[0]!.kind,
    calls: latencies.length,
    latencyP50Ms: latencies.length === 0 ? null : percentile(latencies, 50),
    latencyP95Ms: latencies.length === 0 ? null : percentile(latencies, 95),
    peakRssKib: peaks.length === 0 ? null : Math.max(...peaks),
    duplicates: sum(runs.map((run) => run.duplicates)),
    invalidAssignments: sum(runs.map((run) => run.invalidAssignments)),
    trials: sum(runs.map((run) => run.trials.length)),
    failedRuns: runs.filter((run) => run.error !== undefined).length,
  };
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}
