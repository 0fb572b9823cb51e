import { percentile } from '../../shared/numeric/percentile.js';
import { quartiles, type Quartiles } from '../measures/quantiles.js';
import { comparePaired, type PairedComparison } from '../measures/paired-test.js';
import { regretBand, regretCurve } from '../measures/regret.js';
import { parallelOf, type Schedule } from '../controller/simulated-controller.js';
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

/** One of our services against another target on one problem, seed by seed (bench/measures/paired-test.ts). */
export interface TargetComparison extends PairedComparison {
  ours: string;
  other: string;
  problem: string;
}

/** The runs of one schedule. */
export interface Summary {
  schedule: Schedule;
  budget: number;
  /** parallel_trial_count of these runs: 1 for the serial schedule. */
  parallel: number;
  targets: string[];
  problems: string[];
  cells: CellSummary[];
  byTarget: TargetSummary[];
  comparisons: TargetComparison[];
}

/** The summary of the runs of `schedule` (default async, the only schedule of results written before there were others). */
export function summarise(all: BenchmarkResults, schedule: Schedule = 'async'): Summary {
  const budget = all.settings.budget;
  const parallel = parallelOf(schedule, all.settings.parallel);
  const results = { ...all, runs: all.runs.filter((run) => (run.schedule ?? 'async') === schedule) };
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
  return {
    schedule,
    budget,
    parallel,
    targets,
    problems,
    cells,
    byTarget: targets.map((target) => targetSummary(results.runs, target)),
    comparisons: comparisons(results.runs, targets, problems, budget),
  };
}

/**
 * Each of our services (kind `service`) against each target that is not ours (a stock service, a peer, an
 * endpoint), problem by problem, by final regret over the seeds both ran.
 */
function comparisons(runs: readonly RunRecord[], targets: readonly string[], problems: readonly string[], budget: number): TargetComparison[] {
  const kindOf = new Map(runs.map((run) => [run.target, run.kind]));
  const ours = targets.filter((target) => kindOf.get(target) === 'service');
  const others = targets.filter((target) => kindOf.get(target) !== 'service');
  const finalRegrets = (target: string, problemName: string) => {
    const problem = problemDefinition(problemName);
    return new Map(
      runs.filter((run) => run.target === target && run.problem === problemName).map((run) => [run.seed, regretCurve(problem, run, budget)[budget - 1]!]),
    );
  };
  const found: TargetComparison[] = [];
  for (const mine of ours) {
    for (const other of others) {
      for (const problem of problems) {
        const comparison = comparePaired(finalRegrets(mine, problem), finalRegrets(other, problem));
        if (comparison.pairs > 0) found.push({ ours: mine, other, problem, ...comparison });
      }
    }
  }
  return found;
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
