import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quartiles } from '../../bench/measures/quantiles.js';
import { regretCurve } from '../../bench/measures/regret.js';
import { problemDefinition } from '../../bench/problems/problem-catalog.js';
import { summarise } from '../../bench/report/aggregate.js';
import { mergeResults, RESULTS_FORMAT, type BenchmarkResults, type RunRecord } from '../../bench/report/results-file.js';
import { meanRanks, summaryMarkdown } from '../../bench/report/summary-table.js';

function run(target: string, problem: string, seed: number, values: (number | null)[], error?: string): RunRecord {
  return {
    target,
    kind: 'service',
    algorithm: target,
    problem,
    seed,
    experiment: `${problem}-seed${seed}`,
    trials: values.map((value, i) => ({ number: i + 1, assignments: {}, value, startSeconds: 0, completionSeconds: i, duplicate: false })),
    calls: [{ historySize: 0, completed: 0, running: 0, requested: 1, totalRequested: 1, milliseconds: 10 * (seed + 1) }],
    duplicates: 0,
    invalidAssignments: 0,
    peakRssKib: 1024,
    wallSeconds: 1,
    ...(error === undefined ? {} : { error }),
  };
}

function results(runs: RunRecord[], problems: string[]): BenchmarkResults {
  return {
    format: RESULTS_FORMAT,
    createdAt: '2024-01-01T00:00:00Z',
    command: 'test',
    environment: {},
    settings: { budget: 3, parallel: 1, seeds: [0, 1, 2], problems },
    runs,
    unavailable: [],
  };
}

describe('measures', () => {
  it('interpolates quartiles linearly between order statistics', () => {
    assert.deepEqual(quartiles([4, 1, 3, 2]), { q1: 1.75, median: 2.5, q3: 3.25 });
    assert.deepEqual(quartiles([5]), { q1: 5, median: 5, q3: 5 });
    assert.deepEqual(quartiles([1, Infinity, Infinity]), { q1: Infinity, median: Infinity, q3: Infinity });
  });

  it('tracks the regret of the best value so far, in both objective directions, missing trials as infinite', () => {
    const mixed = problemDefinition('mixed');
    assert.deepEqual(regretCurve(mixed, run('a', 'mixed', 0, [null, 0.5, 0.7, 0.2]), 5), [Infinity, 0.5, 0.5, 0.2, Infinity]);
    const iris = problemDefinition('iris-knn');
    const curve = regretCurve(iris, run('a', 'iris-knn', 0, [0.9, 0.95, 0.8]), 3);
    assert.deepEqual(curve.map((regret) => Number(regret.toFixed(10))), [0.1, 0.05, 0.05]);
  });
});

describe('summary', () => {
  const runs = [0, 1, 2].flatMap((seed) => [
    run('good', 'mixed', seed, [0.3, 0.1, 0.05 * (seed + 1)]),
    run('poor', 'mixed', seed, [0.9, 0.8, 0.7]),
    run('good', 'branin', seed, [5, 4, 3]),
    run('poor', 'branin', seed, [1, 1, 1]),
    run('refused', 'mixed', seed, [], 'ValidateAlgorithmSettings failed with INVALID_ARGUMENT: needs a step'),
    run('partial', 'mixed', seed, [0.5, 0.5, 0.5]),
  ]);
  const summary = summarise(results(runs, ['mixed', 'branin']));

  it('marks the best median of each problem and ranks targets over problems, a mean rank only for those that ran them all', () => {
    const markdown = summaryMarkdown(summary, results(runs, ['mixed', 'branin']));
    assert.match(markdown, /^\| good \| \*\*0\.1\*\* \[0\.075, 0\.1\] \| 2\.6 \[2\.6, 2\.6\] \| 1\.5 \|$/m);
    assert.match(markdown, /^\| poor \| 0\.7 \[0\.7, 0\.7\] \| \*\*0\.602\*\* \[0\.602, 0\.602\] \| 2\.0 \|$/m);
    assert.match(markdown, /^\| partial \| 0\.5 \[0\.5, 0\.5\] \| not run \| — \|$/m);
    assert.match(markdown, /^\| refused \| not run \| not run \| — \|$/m);
    assert.match(markdown, /refused on mixed: 3 of 3 runs stopped early; first error: ValidateAlgorithmSettings failed/);
    // On mixed: good 1, partial 2, poor 3; on branin: poor 1, good 2. Partial ran one problem: no mean.
    assert.deepEqual(meanRanks(summary), new Map([['good', 1.5], ['poor', 2]]));
  });

  it('reports latency percentiles and peak memory per target', () => {
    const good = summary.byTarget.find((row) => row.target === 'good')!;
    assert.equal(good.calls, 6);
    assert.equal(good.latencyP50Ms, 20);
    assert.equal(good.peakRssKib, 1024);
  });

  it('merges result files only when budget and parallelism agree', () => {
    const a = results([run('a', 'mixed', 0, [1, 1, 1])], ['mixed']);
    const b = { ...results([run('b', 'branin', 1, [1, 1, 1])], ['branin']), settings: { budget: 3, parallel: 1, seeds: [1], problems: ['branin'] } };
    const merged = mergeResults([a, b]);
    assert.deepEqual(merged.settings.problems, ['mixed', 'branin']);
    assert.equal(merged.runs.length, 2);
    assert.throws(() => mergeResults([a, { ...b, settings: { ...b.settings, budget: 60 } }]), /cannot merge results of budget 60/);
  });
});
