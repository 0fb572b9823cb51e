import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { repoPath } from '../../shared/repo-root.js';
import { targetsOption } from '../../bench/commands/option-values.js';
import { loadCatalog } from '../../bench/problems/problem-catalog.js';
import { trialDurationSeconds } from '../../bench/problems/trial-duration.js';
import type { StoppingCell } from '../../bench/report/early-stopping.js';
import type { BenchmarkResults, RunRecord } from '../../bench/report/results-file.js';
import { startServiceProcess } from '../../bench/targets/service-process.js';

const CLI = repoPath('dist', 'bench', 'cli.js');

function bench(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [CLI, ...args], { env: { ...process.env, CI: 'true' } });
}

async function refusal(...args: string[]): Promise<string> {
  return bench(...args).then(
    () => assert.fail(`bench ${args.join(' ')} succeeded`),
    (error: { stderr: string }) => error.stderr,
  );
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** A trial's assignment without its budget: the configuration hyperband trains at several budgets. */
function configuration(assignments: Record<string, string>): string {
  const { epochs: _budget, ...rest } = assignments;
  return JSON.stringify(rest);
}

// curves-ranked declares epochs in [1, 30]: r_l 30 and eta 3 give s_max 3 and the budgets 1, 3, 10 and 30 (30 *
// 3^-s rounded down). Bracket 3: 27 at 1, 9 at 3, 3 at 10, 1 at 30; bracket 2: 12 at 3, 4 at 10, 1 at 30;
// bracket 1: 6 at 10, 2 at 30; bracket 0: 4 at 30. 69 trials, 460 epochs.
const RUN_TRIALS = 69;
const TRIALS_AT_BUDGET = { '1': 27, '3': 21, '10': 13, '30': 8 };
const RUN_EPOCHS = 460;

describe('bench run --algorithms hyperband on a problem with a budget parameter', () => {
  let work: string;
  let results: BenchmarkResults;
  let printed: string;

  before(async () => {
    work = mkdtempSync(path.join(tmpdir(), 'bench-hyperband-'));
    ({ stdout: printed } = await bench(
      'run', '--algorithms', 'hyperband,random', '--problems', 'curves-ranked', '--seeds', '2', '--budget', String(RUN_TRIALS), '--parallel', '3', '--out', work,
    ));
    results = readJson<BenchmarkResults>(path.join(work, 'results.json'));
  });

  after(() => {
    if (work !== undefined) rmSync(work, { recursive: true, force: true });
  });

  const runsOf = (target: string): RunRecord[] => results.runs.filter((run) => run.target === target);

  it('runs one whole hyperband run: every bracket and rung, each trial trained for the epochs hyperband gave it', () => {
    const runs = runsOf('hyperband');
    assert.equal(runs.length, 2);
    for (const run of runs) {
      assert.equal(run.error, undefined);
      assert.equal(run.trials.length, RUN_TRIALS);
      const atBudget: Record<string, number> = {};
      for (const trial of run.trials) atBudget[trial.assignments['epochs']!] = (atBudget[trial.assignments['epochs']!] ?? 0) + 1;
      assert.deepEqual(atBudget, TRIALS_AT_BUDGET);
      for (const trial of run.trials) {
        assert.equal(trial.epochs, Number(trial.assignments['epochs']), 'a trial reports once per epoch it was given');
        assert.notEqual(trial.value, null);
        // Its epochs take their share of its simulated run time.
        const full = trialDurationSeconds(loadCatalog().trialDuration, 'curves-ranked', run.seed, trial.number);
        assert.ok(Math.abs(trial.completionSeconds - trial.startSeconds - (full * trial.epochs!) / 30) < 1e-6);
      }
      assert.equal(run.duplicates, 0, 'a promoted configuration at a larger budget is a new assignment');
      // Bracket 3's second rung retrains the 9 best of its 27 first-rung configurations.
      const firstRung = run.trials.filter((trial) => trial.assignments['epochs'] === '1').sort((a, b) => a.value! - b.value!);
      const best = new Set(firstRung.slice(0, 9).map((trial) => configuration(trial.assignments)));
      const promoted = run.trials.filter((trial) => trial.assignments['epochs'] === '3' && best.has(configuration(trial.assignments)));
      assert.equal(promoted.length, 9);
    }
  });

  it('gives every other algorithm the problem without its budget parameter: each trial trains every epoch', () => {
    for (const run of runsOf('random')) {
      assert.equal(run.trials.length, RUN_TRIALS);
      assert.ok(run.trials.every((trial) => !('epochs' in trial.assignments) && trial.epochs === 30));
    }
  });

  it('reports the epochs each Experiment spent beside its regret', () => {
    const { earlyStopping } = readJson<{ earlyStopping: { cells: StoppingCell[] }[] }>(path.join(work, 'summary.json'));
    const steps = Object.fromEntries(earlyStopping[0]!.cells.map((cell) => [cell.suggestion, cell.steps.median]));
    assert.deepEqual(steps, { hyperband: RUN_EPOCHS, random: RUN_TRIALS * 30 });
    assert.match(printed, new RegExp(`^\\| curves-ranked \\| hyperband \\| none \\| ${RUN_EPOCHS} \\[${RUN_EPOCHS}, ${RUN_EPOCHS}\\] \\|`, 'm'));
  });

  it('compare sets two targets side by side with their steps, whatever their trial budgets', async () => {
    const results = path.join(work, 'results.json');
    const { stdout } = await bench('compare', `${results}:hyperband`, `${results}:random`);
    const row = stdout.split('\n').find((line) => line.startsWith('| curves-ranked |'));
    assert.match(row!, new RegExp(`^\\| curves-ranked \\| 2 \\| ${RUN_EPOCHS} \\[${RUN_EPOCHS}, ${RUN_EPOCHS}\\] \\| [^|]+ \\| 2070 \\[2070, 2070\\] \\| [^|]+ \\| (ahead|tied|behind) \\(\\d-\\d-\\d, p [\\d.]+\\) \\|$`));
    assert.match(await refusal('compare', `${results}:tpe`, `${results}:random`), /has no runs of target "tpe"/);
  });
});

describe('budget algorithms and problems without a budget parameter', () => {
  it('refuses hyperband on a problem that declares no budget parameter, and in latency mode', async () => {
    assert.match(await refusal('run', '--algorithms', 'hyperband', '--problems', 'curves-ranked,branin'), /hyperband chooses each trial's epochs and problem "branin" declares no budget parameter/);
    assert.match(await refusal('latency', '--algorithms', 'hyperband'), /--algorithms hyperband: hyperband needs a problem with a budget parameter/);
  });

  it('runs a hyperband --target that names its own resource parameter on a problem as declared', async () => {
    const service = await startServiceProcess('hyperband');
    const out = mkdtempSync(path.join(tmpdir(), 'bench-hyperband-target-'));
    try {
      await bench('run', '--target', `hb=${service.address},algorithm=hyperband,resource_name=n_neighbors,r_l=27`, '--problems', 'iris-knn', '--seeds', '1', '--budget', '6', '--parallel', '3', '--out', out);
      const [run] = readJson<BenchmarkResults>(path.join(out, 'results.json')).runs;
      assert.equal(run!.error, undefined);
      assert.equal(run!.trials.length, 6);
      assert.ok(run!.trials.every((trial) => trial.assignments['n_neighbors'] === '1'), 'the first rung of bracket 3 has the budget 27 / 3^3');
    } finally {
      await service.stop();
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('leaves hyperband out of all and the default list, and names the problems it runs on in the usage', async () => {
    assert.ok(!targetsOption('all', undefined).some((target) => target.algorithm === 'hyperband'));
    assert.ok(!targetsOption(undefined, undefined).some((target) => target.algorithm === 'hyperband'));
    assert.match((await bench('problems')).stdout, /^curves-ranked .*\[learning_rate:double weight_decay:double batch_size:int\]  budget epochs:int 1-30 \(hyperband\)$/m);
    assert.match((await bench('--help')).stdout, /hyperband only when\s+named, on problems with a budget parameter \(curves-ranked, curves-crossing, curves-noisy, curves-diverging, iris-mlp\)/);
  });
});
