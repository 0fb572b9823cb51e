import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repoPath } from '../../shared/repo-root.js';
import type { Summary } from '../../bench/report/aggregate.js';
import type { BenchmarkResults } from '../../bench/report/results-file.js';
import type { LatencyResults } from '../../bench/commands/latency-command.js';
import type { RulesLatencyResults } from '../../bench/commands/rules-latency-command.js';
import { startServiceProcess, type ServiceProcess } from '../../bench/targets/service-process.js';
import { stockServiceMissing } from '../../bench/stock/stock-service.js';
import { skipUnlessStockEnvironment } from '../support/stock-environment.js';

const CLI = repoPath('dist', 'bench', 'cli.js');

async function bench(...args: string[]): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, CI: 'true' } });
  return stdout;
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

describe('bench CLI', () => {
  let work: string;
  let external: ServiceProcess;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'bench-cli-'));
    // A second server process, started here, stands for any Katib-compatible endpoint.
    external = await startServiceProcess('random');
  });

  after(async () => {
    await external?.stop();
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  it('answers --version with the build and --help with the usage of every command', async () => {
    const version = (readJson<{ version: string }>(repoPath('package.json'))).version;
    const revision = readFileSync(repoPath('dist', 'REVISION'), 'utf8').trim();
    assert.equal(await bench('--version'), `bench ${version} (revision ${revision})\n`);
    const help = await bench('--help');
    for (const command of ['run', 'latency', 'rules-latency', 'report', 'problems', 'linear-algebra']) assert.match(help, new RegExp(`^npm run bench -- ${command}`, 'm'));
  });

  it('times our linear algebra against ml-matrix, and both agree', async () => {
    const printed = await bench('linear-algebra', '--sizes', '5,40', '--repeats', '1');
    const rows = printed.trim().split('\n').slice(2).map((line) => line.split('|').map((cell) => cell.trim()));
    assert.deepEqual(rows.map((row) => row[1]), ['5', '40']);
    for (const row of rows) {
      for (const cell of row.slice(2, 5)) assert.match(cell!, /^\d+(\.\d+)? \/ \d+(\.\d+)?$/, `timings ${cell}`);
      for (const difference of row[5]!.split(', ')) assert.ok(Number(difference) < 1e-10, `ours and ml-matrix differ by ${difference}`);
    }
  });

  it('runs experiments against an external endpoint given with --target', async () => {
    const out = path.join(work, 'external');
    await bench('run', '--target', `colleague=${external.address},algorithm=random,random_state={seed}`, '--problems', 'branin', '--seeds', '2', '--budget', '5', '--parallel', '2', '--out', out);
    const results = readJson<BenchmarkResults>(path.join(out, 'results.json'));
    assert.deepEqual(results.settings, { budget: 5, parallel: 2, schedules: ['async'], seeds: [0, 1], problems: ['branin'] });
    assert.equal(results.runs.length, 2);
    for (const run of results.runs) {
      assert.equal(run.error, undefined);
      assert.deepEqual([run.target, run.kind, run.algorithm, run.problem], ['colleague', 'endpoint', 'random', 'branin']);
      assert.equal(run.trials.length, 5);
      assert.equal(run.peakRssKib, null, 'the benchmark did not start this process, so it cannot know its memory');
    }
    // random_state={seed}: the two seeds are two different streams.
    assert.notDeepEqual(results.runs[0]!.trials[0]!.assignments, results.runs[1]!.trials[0]!.assignments);
  });

  it('starts our service itself, then writes a summary table and SVG plots; report merges results', async () => {
    const out = path.join(work, 'local');
    const printed = await bench('run', '--algorithms', 'random', '--problems', 'branin,iris-knn', '--seeds', '2', '--budget', '5', '--parallel', '2', '--out', out);
    // The tables on stdout whatever the terminal (here a pipe), then the files.
    assert.match(printed, /^\| algorithm \| branin \| iris-knn \| mean rank \|$/m);
    assert.match(printed, /^Files:\n {2}\S+results\.json\n {2}\S+summary\.md$/m);
    const results = readJson<BenchmarkResults>(path.join(out, 'results.json'));
    assert.equal(results.runs.length, 4);
    assert.ok(results.runs.every((run) => run.kind === 'service' && run.peakRssKib! > 0 && run.trials.length === 5));

    const [curves] = readJson<{ summaries: Summary[] }>(path.join(out, 'summary.json')).summaries;
    assert.deepEqual(curves!.cells.map((cell) => [cell.target, cell.problem, cell.seeds, cell.band.length]), [
      ['random', 'branin', 2, 5],
      ['random', 'iris-knn', 2, 5],
    ]);
    for (const cell of curves!.cells) {
      const medians = cell.band.map((band) => band.median);
      assert.ok(medians.every((median, k) => k === 0 || median <= medians[k - 1]!), 'the regret of the best so far never grows');
    }

    const summary = readFileSync(path.join(out, 'summary.md'), 'utf8');
    assert.match(summary, /^\| algorithm \| branin \| iris-knn \| mean rank \|$/m);
    assert.match(summary, /^\| random \| \*\*[^|]+\*\* \[[^|]+\] \| \*\*[^|]+\*\* \[[^|]+\] \| 1\.0 \|$/m);
    for (const problem of ['branin', 'iris-knn']) {
      const svg = readFileSync(path.join(out, `regret-${problem}.svg`), 'utf8');
      assert.match(svg, /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.match(svg, new RegExp(`${problem}: regret of the best value found`));
      assert.match(svg, /<path[^>]*d="M/, 'the plot has drawn lines');
    }

    const merged = path.join(work, 'merged');
    await bench('report', path.join(out, 'results.json'), path.join(work, 'external', 'results.json'), '--out', merged);
    const table = readFileSync(path.join(merged, 'summary.md'), 'utf8');
    assert.match(table, /^\| random \|/m);
    assert.match(table, /^\| colleague \|/m);
    assert.equal(readJson<BenchmarkResults>(path.join(merged, 'results.json')).runs.length, 6);
  });

  it('runs every schedule asked for, with one section and one set of plots per schedule', async () => {
    const out = path.join(work, 'schedules');
    const printed = await bench('run', '--algorithms', 'random', '--problems', 'branin', '--seeds', '2', '--budget', '6', '--parallel', '3', '--schedule', 'sync,serial', '--out', out);
    assert.match(printed, /^## Schedule sync: batches of 3 trials that finish together/m);
    assert.match(printed, /^## Schedule serial: one trial at a time/m);
    const results = readJson<BenchmarkResults>(path.join(out, 'results.json'));
    assert.deepEqual(results.settings.schedules, ['sync', 'serial']);
    const sync = results.runs.filter((run) => run.schedule === 'sync');
    const serial = results.runs.filter((run) => run.schedule === 'serial');
    assert.equal(sync.length, 2);
    assert.equal(serial.length, 2);
    // sync: batches of 3, no running trial in any request; serial: one trial per request.
    assert.ok(sync.every((run) => run.calls.map((call) => [call.requested, call.running]).join() === '3,0,3,0'));
    assert.ok(serial.every((run) => run.calls.length === 6 && run.calls.every((call) => call.requested === 1 && call.running === 0)));
    const summaries = readJson<{ summaries: Summary[] }>(path.join(out, 'summary.json')).summaries;
    assert.deepEqual(summaries.map((summary) => [summary.schedule, summary.parallel]), [['sync', 3], ['serial', 1]]);
    for (const schedule of ['sync', 'serial']) assert.match(readFileSync(path.join(out, `regret-branin-${schedule}.svg`), 'utf8'), /^<svg/);
  });

  it("runs Katib's stock optuna service with --stock, seeded by random_state, and says so when a stock service is not set up", async (t) => {
    const skip = skipUnlessStockEnvironment(stockServiceMissing('optuna'));
    if (skip !== false) return t.skip(skip);
    const out = path.join(work, 'stock');
    const printed = await bench('run', '--stock', 'optuna:tpe', '--problems', 'branin', '--seeds', '2', '--budget', '4', '--parallel', '2', '--out', out);
    const results = readJson<BenchmarkResults>(path.join(out, 'results.json'));
    assert.deepEqual(results.runs.map((run) => [run.target, run.kind, run.algorithm, run.seed, run.error, run.trials.length]), [
      ['stock-optuna-tpe', 'stock', 'tpe', 0, undefined, 4],
      ['stock-optuna-tpe', 'stock', 'tpe', 1, undefined, 4],
    ]);
    assert.ok(results.runs.every((run) => run.peakRssKib! > 0), 'the Python process of each Experiment is measured');
    assert.notDeepEqual(results.runs[0]!.trials[0]!.assignments, results.runs[1]!.trials[0]!.assignments, 'random_state is the seed');
    assert.match(printed, /^\| stock-optuna-tpe \| stock \| 8 \|/m);
  });

  it('names a stock service that cannot start, and what to run, instead of failing the whole run', async () => {
    const out = path.join(work, 'stock-missing');
    const printed = await bench('run', '--stock', 'skopt:bayesianoptimization', '--katib-source', work, '--problems', 'branin', '--seeds', '1', '--budget', '2', '--out', out);
    assert.match(printed, /^not run: stock-skopt-bayesianoptimization: stock skopt: .*(not a Katib checkout|setup\.sh)/m);
  });

  it('times a service directly in latency mode and plots latency against history size', async () => {
    const out = path.join(work, 'latency');
    await bench('latency', '--algorithms', 'random', '--history', '5,20', '--batches', '1,3', '--repeats', '2', '--out', out);
    const results = readJson<LatencyResults>(path.join(out, 'latency.json'));
    assert.equal(results.problem, 'hartmann6');
    assert.deepEqual(
      results.measurements.map((m) => [m.history, m.batch, m.samplesMs.length, m.error]),
      [
        [5, 1, 2, undefined],
        [5, 3, 2, undefined],
        [20, 1, 2, undefined],
        [20, 3, 2, undefined],
      ],
    );
    assert.ok(results.peakRssKib['random']! > 0);
    assert.match(readFileSync(path.join(out, 'latency.md'), 'utf8'), /^\| random \| 3 \| [\d.]+ \/ [\d.]+ \| [\d.]+ \/ [\d.]+ \| \d+ \|$/m);
    assert.match(readFileSync(path.join(out, 'latency.svg'), 'utf8'), /^<svg/);
  });

  it('times GetEarlyStoppingRules of our medianstop cold, with one new trial and warm, beside DB manager round trips', async () => {
    const out = path.join(work, 'rules-latency');
    const printed = await bench('rules-latency', '--trials', '6', '--logs', '10', '--repeats', '2', '--out', out);
    const results = readJson<RulesLatencyResults>(path.join(out, 'rules-latency.json'));
    assert.deepEqual([results.trials, results.logs, results.repeats, results.unavailable], [6, 10, 2, []]);
    assert.deepEqual(
      results.rows.map((row) => [row.label, row.samplesMs.cold.length, row.samplesMs['one new'].length, row.samplesMs.warm.length, row.error]),
      [['medianstop', 2, 2, 2, undefined]],
    );
    assert.ok(results.rows[0]!.peakRssKib! > 0);
    assert.deepEqual(Object.values(results.rows[0]!.serviceMs!).map((samples) => samples.length), [2, 2, 2]);
    assert.deepEqual([results.reference.roundTripMs.length, results.reference.allReadsMs.length, results.reference.orderingMs.length], [10, 2, 2]);
    assert.match(printed, /^\| medianstop \| [\d.]+ \/ [\d.]+ \| [\d.]+ \/ [\d.]+ \| [\d.]+ \/ [\d.]+ \| \d+ \|$/m);
  });

  it('times grid in latency mode once --step gives every DOUBLE a step', async () => {
    const out = path.join(work, 'latency-grid');
    await bench('latency', '--algorithms', 'grid', '--step', '0.25', '--history', '30', '--batches', '2', '--repeats', '2', '--out', out);
    const results = readJson<LatencyResults>(path.join(out, 'latency.json'));
    assert.equal(results.problem, 'hartmann6 (every DOUBLE stepped by 0.25)');
    assert.deepEqual(results.unavailable, []);
    assert.deepEqual(
      results.measurements.map((m) => [m.target, m.history, m.batch, m.samplesMs.length, m.error]),
      [['grid', 30, 2, 2, undefined]],
    );
  });
});
