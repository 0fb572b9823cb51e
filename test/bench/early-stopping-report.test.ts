import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { earlyStoppingMarkdown, stepsOf, stoppingCells } from '../../bench/report/early-stopping.js';
import { RESULTS_FORMAT, type BenchmarkResults, type RunRecord } from '../../bench/report/results-file.js';
import { regretAfterSteps, regretByStepsSpec } from '../../bench/report/steps-plot.js';
import { problemDefinition } from '../../bench/problems/problem-catalog.js';

const PROBLEM = 'curves-ranked';
const OPTIMUM = problemDefinition(PROBLEM).optimum;

/** A run whose trials reported `values` (regret above the optimum) after `epochs` epochs each; `stopped` marks trials stopped early. */
function run(suggestion: string, rule: string | undefined, seed: number, trials: [regret: number, epochs: number, stopped?: boolean][]): RunRecord {
  return {
    target: rule === undefined ? suggestion : `${suggestion}+${rule}`,
    kind: 'service',
    algorithm: suggestion,
    ...(rule === undefined ? {} : { suggestion, earlyStopping: rule }),
    problem: PROBLEM,
    seed,
    experiment: `${PROBLEM}-seed${seed}`,
    trials: trials.map(([regret, epochs, stopped], i) => ({
      number: i + 1,
      assignments: {},
      value: OPTIMUM + regret,
      epochs,
      ...(stopped ? { earlyStopped: true as const } : {}),
      startSeconds: 0,
      completionSeconds: i,
      duplicate: false,
    })),
    calls: [],
    duplicates: 0,
    invalidAssignments: 0,
    peakRssKib: null,
    wallSeconds: 1,
  };
}

function results(runs: RunRecord[], problems = [PROBLEM]): BenchmarkResults {
  return { format: RESULTS_FORMAT, createdAt: '', command: 'test', environment: {}, settings: { budget: 3, parallel: 1, seeds: [0, 1, 2], problems }, runs, unavailable: [] };
}

// Six seeds. Without stopping every trial runs 30 epochs; "early" stops the second trial of each seed after 4
// epochs and ends with the same regret; "harmful" stops the third, the best, and ends worse on every seed.
const SEEDS = [0, 1, 2, 3, 4, 5];
const runs = SEEDS.flatMap((seed) => [
  run('random', undefined, seed, [[0.4, 30], [0.3, 30], [0.1, 30]]),
  run('random', 'early', seed, [[0.4, 30], [0.35, 4, true], [0.1, 30]]),
  run('random', 'harmful', seed, [[0.4, 30], [0.3, 30], [0.5, 4, true]]),
]);

describe('the early-stopping report', () => {
  const cells = stoppingCells(results(runs));

  it('sums the epochs of every trial, counting one for a trial from before learning curves', () => {
    assert.equal(stepsOf(runs[1]!), 64);
    const old = run('random', undefined, 0, [[1, 1]]);
    delete old.trials[0]!.epochs;
    assert.equal(stepsOf(old), 1);
  });

  it('gives each suggestion target and rule its steps and final regret, none first, and pairs each rule with none by seed', () => {
    assert.deepEqual(cells.map((cell) => [cell.suggestion, cell.rule, cell.seeds]), [
      ['random', 'none', 6],
      ['random', 'early', 6],
      ['random', 'harmful', 6],
    ]);
    const [none, early, harmful] = cells;
    assert.equal(none!.steps.median, 90);
    assert.equal(none!.versusNone, undefined);
    assert.equal(early!.steps.median, 64);
    assert.equal(early!.stopped, 6);
    assert.equal(early!.trials, 18);
    assert.ok(Math.abs(early!.versusNone!.stepsSaved - 26 / 90) < 1e-12);
    assert.ok(Math.abs(early!.versusNone!.regretRatio! - 1) < 1e-9);
    assert.equal(early!.versusNone!.regret.verdict, 'tied');
    assert.equal(early!.versusNone!.regret.ties, 6);
    // Its best trial stopped: regret 0.3 instead of 0.1 on all six seeds, which the sign test calls significant.
    assert.ok(Math.abs(harmful!.finalRegret.median - 0.3) < 1e-9);
    assert.ok(Math.abs(harmful!.versusNone!.regretRatio! - 3) < 1e-9);
    assert.equal(harmful!.versusNone!.regret.verdict, 'behind');
    assert.deepEqual([harmful!.versusNone!.regret.wins, harmful!.versusNone!.regret.losses], [0, 6]);
    assert.equal(harmful!.versusNone!.worse.seeds, 6);
    assert.ok(Math.abs(harmful!.versusNone!.worse.maxRatio! - 3) < 1e-9);
    assert.equal(early!.versusNone!.worse.seeds, 0);
  });

  it('writes one table row per cell, and nothing when no problem has learning curves', () => {
    const markdown = earlyStoppingMarkdown(cells, results(runs));
    assert.match(markdown, /^\| curves-ranked \| random \| none \| 90 \[90, 90\] \| 0\.1 \[0\.1, 0\.1\] \| 0% \| — \| — \| — \| — \|$/m);
    assert.match(markdown, /^\| curves-ranked \| random \| early \| 64 \[64, 64\] \| 0\.1 \[0\.1, 0\.1\] \| 33% \| 29% \| ×1 \| tied \(0-0-6, p 1\) \| no seed \|$/m);
    assert.match(markdown, /^\| curves-ranked \| random \| harmful \| 64 \[64, 64\] \| 0\.3 \[0\.3, 0\.3\] \| 33% \| 29% \| ×3 \| behind \(0-6-0, p 0\.0313\) \| 6 seeds, ×3 \(up to ×3\) \|$/m);
    const branin = [{ ...runs[0]!, problem: 'branin' }];
    assert.deepEqual(stoppingCells(results(branin, ['branin'])), []);
    assert.equal(earlyStoppingMarkdown([], results(branin, ['branin'])), '');
  });

  it('plots regret against the epochs spent, each line ending where its Experiments ended', () => {
    const early = runs[1]!;
    assert.equal(regretAfterSteps(early, 29, PROBLEM), Infinity);
    assert.ok(Math.abs(regretAfterSteps(early, 34, PROBLEM) - 0.35) < 1e-9);
    assert.ok(Math.abs(regretAfterSteps(early, 64, PROBLEM) - 0.1) < 1e-9);
    const spec = regretByStepsSpec(results(runs), PROBLEM) as unknown as { data: { values: { target: string; steps: number; regret: number }[] } };
    const last = (target: string) => Math.max(...spec.data.values.filter((row) => row.target === target).map((row) => row.steps));
    assert.equal(last('random'), 90);
    assert.ok(last('random+early') <= 64 && last('random+early') > 60);
    assert.ok(spec.data.values.every((row) => Number.isFinite(row.regret) && row.regret > 0));
  });
});
