import { median } from '../../shared/numeric/percentile.js';
import { comparePaired, type PairedComparison } from '../measures/paired-test.js';
import { quartiles, type Quartiles } from '../measures/quantiles.js';
import { regretOf } from '../measures/regret.js';
import { problemDefinition, type ProblemDefinition } from '../problems/problem-catalog.js';
import { formatNumber } from './number-format.js';
import { schedulesOf, type BenchmarkResults, type RunRecord } from './results-file.js';
import type { Schedule } from '../controller/simulated-controller.js';

/** The name of the runs without early stopping, which every rule is compared with. */
export const NO_STOPPING = 'none';

/** One suggestion target with one early-stopping rule (or none) on one problem, over its seeds. */
export interface StoppingCell {
  problem: string;
  suggestion: string;
  rule: string;
  /** The runs' label in results (`random+medianstop`). */
  target: string;
  seeds: number;
  /** Epochs run by every trial of an Experiment: median and quartiles over seeds. */
  steps: Quartiles;
  finalRegret: Quartiles;
  /** Trials the rule stopped, and all trials, summed over seeds. */
  stopped: number;
  trials: number;
  /** Against the same suggestion target without early stopping, seed by seed; absent for `none` itself. */
  versusNone?: {
    /** Median over paired seeds of the share of steps saved (0.3: 30% fewer). */
    stepsSaved: number;
    /** Median over paired seeds of this rule's final regret divided by none's (seeds where none's is 0 left out). */
    regretRatio: number | null;
    /** Final regret, lower is better: "ahead" means the rule ended better. */
    regret: PairedComparison;
    /** The seeds where the rule ended worse than none, and by how much (regret ratios; Infinity when none's was 0). */
    worse: { seeds: number; medianRatio: number | null; maxRatio: number | null };
  };
}

/** Epochs every trial of the run ran (a trial of a result file from before learning curves ran one). */
export function stepsOf(run: RunRecord): number {
  return run.trials.reduce((total, trial) => total + (trial.epochs ?? 1), 0);
}

/** Regret of the run's best value after all its trials (Infinity when it found none). */
function finalRegret(problem: ProblemDefinition, run: RunRecord): number {
  let best = Infinity;
  for (const trial of run.trials) if (trial.value !== null) best = Math.min(best, regretOf(problem, trial.value));
  return best;
}

/** The suggestion target and the rule a run used: runs without early stopping use the rule `none`. */
export function stoppingOf(run: RunRecord): { suggestion: string; rule: string } {
  return { suggestion: run.suggestion ?? run.target, rule: run.earlyStopping ?? NO_STOPPING };
}

/** Problems where early stopping can act: their trials report per epoch. */
export function learningCurveProblems(results: BenchmarkResults): string[] {
  return results.settings.problems.filter((name) => (problemDefinition(name).epochs ?? 1) > 1 && results.runs.some((run) => run.problem === name));
}

/** Every (problem, suggestion target, rule) of the results' learning-curve problems, none first for each target. */
export function stoppingCells(results: BenchmarkResults): StoppingCell[] {
  const cells: StoppingCell[] = [];
  for (const problemName of learningCurveProblems(results)) {
    const problem = problemDefinition(problemName);
    const runs = results.runs.filter((run) => run.problem === problemName);
    const suggestions = [...new Set(runs.map((run) => stoppingOf(run).suggestion))];
    for (const suggestion of suggestions) {
      const ofSuggestion = runs.filter((run) => stoppingOf(run).suggestion === suggestion);
      const rules = [...new Set(ofSuggestion.map((run) => stoppingOf(run).rule))].sort((a, b) => Number(b === NO_STOPPING) - Number(a === NO_STOPPING));
      const bySeed = (rule: string) => new Map(ofSuggestion.filter((run) => stoppingOf(run).rule === rule).map((run) => [run.seed, run]));
      const baseline = bySeed(NO_STOPPING);
      for (const rule of rules) {
        const seeds = bySeed(rule);
        const list = [...seeds.values()];
        const regrets = new Map(list.map((run) => [run.seed, finalRegret(problem, run)]));
        const cell: StoppingCell = {
          problem: problemName,
          suggestion,
          rule,
          target: list[0]!.target,
          seeds: list.length,
          steps: quartiles(list.map(stepsOf)),
          finalRegret: quartiles([...regrets.values()]),
          stopped: list.reduce((total, run) => total + run.trials.filter((trial) => trial.earlyStopped).length, 0),
          trials: list.reduce((total, run) => total + run.trials.length, 0),
        };
        if (rule !== NO_STOPPING && baseline.size > 0) {
          const paired = list.filter((run) => baseline.has(run.seed));
          const noneRegrets = new Map([...baseline.values()].map((run) => [run.seed, finalRegret(problem, run)]));
          const ratios = paired
            .map((run) => regrets.get(run.seed)! / noneRegrets.get(run.seed)!)
            .filter((ratio) => Number.isFinite(ratio));
          const worseRatios = paired
            .filter((run) => regrets.get(run.seed)! > noneRegrets.get(run.seed)!)
            .map((run) => regrets.get(run.seed)! / noneRegrets.get(run.seed)!);
          cell.versusNone = {
            stepsSaved: median(paired.map((run) => 1 - stepsOf(run) / stepsOf(baseline.get(run.seed)!))),
            regretRatio: ratios.length === 0 ? null : median(ratios),
            regret: comparePaired(regrets, noneRegrets),
            worse: {
              seeds: worseRatios.length,
              medianRatio: worseRatios.length === 0 ? null : median(worseRatios),
              maxRatio: worseRatios.length === 0 ? null : Math.max(...worseRatios),
            },
          };
        }
        cells.push(cell);
      }
    }
  }
  return cells;
}

/**
 * The early-stopping table: for each learning-curve problem, suggestion target and rule, the epochs an
 * Experiment ran and its final regret, with each rule set against the same target without early stopping.
 */
export function earlyStoppingMarkdown(cells: readonly StoppingCell[], results: BenchmarkResults): string {
  if (cells.length === 0) return '';
  const { budget, parallel } = results.settings;
  const lines = [
    `Early stopping on the learning-curve problems (${budget} trials, ${parallel} in parallel): steps are the epochs every trial ran, ` +
      'summed per Experiment; median over seeds [first quartile, third quartile]. Against none: the median over paired seeds of the ' +
      'steps saved and of the ratio of final regrets (above 1: stopping ended worse), and the sign test on final regret over ' +
      'paired seeds (ahead: the rule ended better, behind: worse, at p < 0.05; wins-losses-ties, p). Worse on: the seeds ' +
      "where the rule's final regret was above none's, with the median and the largest ratio among them.",
    '',
    '| problem | suggestion | early stopping | steps | final regret | trials stopped | steps saved | regret ratio | regret vs none | worse on |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const cell of cells) {
    const versus = cell.versusNone;
    lines.push(
      `| ${cell.problem} | ${cell.suggestion} | ${cell.rule} | ${formatNumber(cell.steps.median)} [${formatNumber(cell.steps.q1)}, ${formatNumber(cell.steps.q3)}] | ` +
        `${formatNumber(cell.finalRegret.median)} [${formatNumber(cell.finalRegret.q1)}, ${formatNumber(cell.finalRegret.q3)}] | ` +
        `${Math.round((100 * cell.stopped) / Math.max(1, cell.trials))}% | ` +
        (versus === undefined
          ? '— | — | — | — |'
          : `${Math.round(100 * versus.stepsSaved)}% | ${versus.regretRatio === null ? '—' : `×${formatNumber(versus.regretRatio)}`} | ` +
            `${versus.regret.verdict} (${versus.regret.wins}-${versus.regret.losses}-${versus.regret.ties}, p ${formatNumber(versus.regret.pValue)}) | ` +
            `${worseText(versus.worse)} |`),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** One schedule's part of the early-stopping report. */
export interface StoppingSection {
  schedule: Schedule;
  /** The results' runs of that schedule. */
  results: BenchmarkResults;
  problems: string[];
  cells: StoppingCell[];
}

/**
 * The early-stopping report of every schedule the results hold: its cells and table, under a heading per schedule
 * when there are several; empty when no learning-curve problem ran.
 */
export function earlyStoppingReport(results: BenchmarkResults): { sections: StoppingSection[]; text: string } {
  const schedules = schedulesOf(results);
  const sections = schedules
    .map((schedule) => {
      const ofSchedule = { ...results, runs: results.runs.filter((run) => (run.schedule ?? 'async') === schedule) };
      return { schedule, results: ofSchedule, problems: learningCurveProblems(ofSchedule), cells: stoppingCells(ofSchedule) };
    })
    .filter((section) => section.cells.length > 0);
  const text = sections
    .map((section) => `${schedules.length > 1 ? `## Early stopping, ${section.schedule} schedule\n\n` : ''}${earlyStoppingMarkdown(section.cells, section.results)}`)
    .join('\n');
  return { sections, text };
}

function worseText(worse: NonNullable<StoppingCell['versusNone']>['worse']): string {
  if (worse.seeds === 0) return 'no seed';
  return `${worse.seeds} seed${worse.seeds === 1 ? '' : 's'}, ×${formatNumber(worse.medianRatio)} (up to ×${formatNumber(worse.maxRatio)})`;
}
