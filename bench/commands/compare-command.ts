import { comparePaired } from '../measures/paired-test.js';
import { quartiles, type Quartiles } from '../measures/quantiles.js';
import { regretCurve } from '../measures/regret.js';
import { problemDefinition } from '../problems/problem-catalog.js';
import { stepsOf } from '../report/early-stopping.js';
import { formatNumber } from '../report/number-format.js';
import { readResults, type RunRecord } from '../report/results-file.js';

export const COMPARE_USAGE = `npm run bench -- compare RESULTS.json:TARGET RESULTS.json:TARGET
  Sets two targets' runs side by side, problem by problem, whatever their trial budgets: the epochs (steps) an
  Experiment spent and its final regret (median over seeds [quartiles]), and the sign test on final regret over
  the seeds both ran (ahead: the first ended lower). For hyperband against random or tpe at equal steps.`;

/** One side: a target's runs of one results file, by problem and seed. */
interface Side {
  name: string;
  runs: Map<string, Map<number, RunRecord>>;
}

function readSide(spec: string): Side {
  const at = spec.lastIndexOf(':');
  if (at <= 0) throw new Error(`"${spec}": expected RESULTS.json:TARGET`);
  const [file, target] = [spec.slice(0, at), spec.slice(at + 1)];
  const runs = new Map<string, Map<number, RunRecord>>();
  for (const run of readResults(file).runs.filter((candidate) => candidate.target === target)) {
    if (!runs.has(run.problem)) runs.set(run.problem, new Map());
    runs.get(run.problem)!.set(run.seed, run);
  }
  if (runs.size === 0) throw new Error(`${file} has no runs of target "${target}"`);
  return { name: target, runs };
}

/** Regret of the run's best value over all its trials (Infinity when it found none). */
function finalRegret(problem: string, run: RunRecord): number {
  return regretCurve(problemDefinition(problem), run, run.trials.length).at(-1) ?? Infinity;
}

const cell = (spread: Quartiles) => `${formatNumber(spread.median)} [${formatNumber(spread.q1)}, ${formatNumber(spread.q3)}]`;

/** The comparison table of two sides, on the problems both ran. */
export function compareMarkdown(first: Side, second: Side): string {
  const lines = [
    `| problem | seeds | ${first.name} steps | ${first.name} final regret | ${second.name} steps | ${second.name} final regret | ${first.name} vs ${second.name} |`,
    '|---|---|---|---|---|---|---|',
  ];
  for (const [problem, firstRuns] of first.runs) {
    const secondRuns = second.runs.get(problem);
    if (secondRuns === undefined) continue;
    const regrets = (runs: Map<number, RunRecord>) => new Map([...runs].map(([seed, run]) => [seed, finalRegret(problem, run)]));
    const versus = comparePaired(regrets(firstRuns), regrets(secondRuns));
    const seeds = [...firstRuns.keys()].filter((seed) => secondRuns.has(seed)).length;
    const side = (runs: Map<number, RunRecord>) =>
      `${cell(quartiles([...runs.values()].map(stepsOf)))} | ${cell(quartiles([...regrets(runs).values()]))}`;
    lines.push(
      `| ${problem} | ${seeds} | ${side(firstRuns)} | ${side(secondRuns)} | ${versus.verdict} (${versus.wins}-${versus.losses}-${versus.ties}, p ${formatNumber(versus.pValue)}) |`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export function compareCommand(args: string[]): void {
  if (args.length !== 2) throw new Error(`expected two RESULTS.json:TARGET arguments\n${COMPARE_USAGE}`);
  console.log(compareMarkdown(readSide(args[0]!), readSide(args[1]!)));
}
