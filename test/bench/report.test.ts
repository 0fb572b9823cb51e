import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quartiles } from '../../bench/measures/quantiles.js';
import { regretCurve } from '../../bench/measures/regret.js';
import { problemDefinition } from '../../bench/problems/problem-catalog.js';
import { summarise } from '../../bench/report/aggregate.js';
import { mergeResults, RESULTS_FORMAT, type BenchmarkResults, type RunRecord } from '../../bench/report/results-file.js';
import { meanRanks, reportMarkdown, summaryMarkdown } from '../../bench/report/summary-table.js';
import { LINE_COLOURS } from '../../bench/report/palette.js';
import { randomStartupNotes } from '../../bench/report/random-startup.js';
import { regretPlotSpec } from '../../bench/report/regret-plot.js';

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

describe('schedules and paired comparisons', () => {
  // Seeds 0-9: ours is better on seeds 0-8, worse on seed 9 (p = 22/1024): ahead. Against random, equal everywhere: tied.
  const seeds = Array.from({ length: 10 }, (_, seed) => seed);
  const runs = (schedule: 'async' | 'sync') =>
    seeds.flatMap((seed) => [
      { ...run('tpe', 'branin', seed, [5, 4, seed === 9 ? 3 : 1]), schedule },
      { ...run('stock-hyperopt-tpe', 'branin', seed, [5, 4, 2]), kind: 'stock' as const, schedule },
      { ...run('optuna-tpe', 'branin', seed, [seed === 9 ? 1 : 5, 4, 3]), kind: 'peer' as const, schedule },
    ]);
  const all: BenchmarkResults = { ...results([...runs('async'), ...runs('sync')], ['branin']), settings: { budget: 3, parallel: 3, seeds, problems: ['branin'], schedules: ['async', 'sync'] } };

  it('summarises each schedule on its own runs, with the parallelism it ran', () => {
    const sync = summarise(all, 'sync');
    assert.equal(sync.schedule, 'sync');
    assert.equal(sync.parallel, 3);
    assert.deepEqual(sync.cells.map((cell) => [cell.target, cell.seeds]), [['tpe', 10], ['stock-hyperopt-tpe', 10], ['optuna-tpe', 10]]);
    assert.equal(summarise({ ...all, settings: { ...all.settings, schedules: ['serial'] } }, 'serial').parallel, 1);
  });

  it('compares each of our services with every other target by a paired sign test, and says ahead or behind only when it is significant', () => {
    const { comparisons } = summarise(all, 'async');
    const stock = comparisons.find((entry) => entry.other === 'stock-hyperopt-tpe')!;
    assert.deepEqual([stock.ours, stock.problem, stock.wins, stock.ties, stock.losses, stock.verdict], ['tpe', 'branin', 9, 0, 1, 'ahead']);
    assert.ok(Math.abs(stock.pValue - 22 / 1024) < 1e-12);
    const peer = comparisons.find((entry) => entry.other === 'optuna-tpe')!;
    // Ours 1 against 3 on seeds 0-8; on seed 9, 3 against 1: 9 wins, 1 loss.
    assert.equal(peer.verdict, 'ahead');
    assert.equal(comparisons.length, 2, 'no comparison among targets that are not ours');
  });

  it('writes one section per schedule, each with its paired comparisons', () => {
    const { text, summaries } = reportMarkdown(all);
    assert.deepEqual(summaries.map((summary) => summary.schedule), ['async', 'sync']);
    assert.match(text, /^## Schedule async: 3 trials in parallel/m);
    assert.match(text, /^## Schedule sync: batches of 3 trials that finish together/m);
    assert.equal(text.match(/^\| tpe \| stock-hyperopt-tpe \| \*\*ahead\*\* 9-0-1, p 0\.021 \|$/gm)?.length, 2);
    // One schedule: no heading, as before schedules existed.
    assert.doesNotMatch(reportMarkdown({ ...all, runs: runs('sync'), settings: { ...all.settings, schedules: ['sync'] } }).text, /^## /m);
  });

  it('reads results written before schedules as async ones', () => {
    const old = results([run('tpe', 'branin', 0, [1, 1, 1])], ['branin']);
    assert.deepEqual(reportMarkdown(old).summaries.map((summary) => summary.schedule), ['async']);
  });
});

describe('report for people', () => {
  const runs = [0, 1, 2].flatMap((seed) => [
    run('tpe', 'branin', seed, [5, 4, 3]),
    { ...run('hyperopt-tpe', 'branin', seed, [6, 5, 4]), kind: 'peer' as const },
    run('random', 'branin', seed, [7, 6, 5]),
  ]);

  it('draws the Python peers dashed and our services solid, in colours dark enough to read on white', () => {
    const summary = summarise(results(runs, ['branin']));
    const spec = regretPlotSpec(summary, 'branin', 3) as unknown as {
      title: { subtitle: string };
      data: { values: { algorithm: string; origin: string }[] };
      layer: { mark: { type: string }; encoding: { strokeDash?: { field: string; scale: { domain: string[]; range: number[][] } } } }[];
    };
    const origins = new Map(spec.data.values.map((row) => [row.algorithm, row.origin]));
    assert.deepEqual(Object.fromEntries(origins), { tpe: 'katib', 'hyperopt-tpe': 'peer', random: 'katib' });
    const line = spec.layer.find((layer) => layer.mark.type === 'line')!;
    assert.equal(line.encoding.strokeDash!.field, 'origin');
    assert.deepEqual(line.encoding.strokeDash!.scale.range[0], [1, 0], 'ours solid');
    assert.notDeepEqual(line.encoding.strokeDash!.scale.range[1], [1, 0], 'peers dashed');
    assert.match(spec.title.subtitle, /async schedule, 1 trials in parallel; solid: our services, dashed: Python peers/);
    for (const colour of LINE_COLOURS) assert.ok(contrastOnWhite(colour) >= 4.5, `${colour} is too pale for a thin line (contrast ${contrastOnWhite(colour).toFixed(2)})`);
  });

  it('notes where the budget leaves a model-based algorithm in its random start-up', () => {
    // tpe: n_startup_trials 10 (its settings schema), + 2 started in parallel meanwhile; hyperopt: n_startup_jobs 20.
    const atTwenty = (parallel: number): BenchmarkResults => ({ ...results(runs, ['branin']), settings: { budget: 20, parallel, seeds: [0, 1, 2], problems: ['branin'] } });
    const notes = randomStartupNotes(atTwenty(3));
    assert.deepEqual(notes.map((note) => note.split(':')[0]), ['tpe', 'hyperopt-tpe'], 'random has no start-up to note');
    assert.match(notes[0]!, /^tpe: about 12 of the 20 trials are drawn at random before the model is used \(tpe's n_startup_trials=10 by default, 3 trials in parallel\)/);
    assert.match(notes[1]!, /^hyperopt-tpe: all 20 trials are drawn at random, so these results are random search's \(hyperopt-tpe's n_startup_jobs=20/);
    assert.deepEqual(randomStartupNotes({ ...atTwenty(1), settings: { budget: 60, parallel: 3, seeds: [0], problems: ['branin'] } }), []);
    assert.match(summaryMarkdown(summarise(atTwenty(3)), atTwenty(3)), /^Notes:\n\n- tpe: about 12 of the 20 trials/m);
  });
});

/** WCAG contrast ratio of a #rrggbb colour against white. */
function contrastOnWhite(hex: string): number {
  const channel = (at: number) => {
    const c = parseInt(hex.slice(at, at + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
  return 1.05 / (luminance + 0.05);
}
