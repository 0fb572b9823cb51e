import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { DEFAULT_PEER_PYTHON, runPeer } from '../../bench/peers/peer-runner.js';
import { parseAssignmentValues } from '../../bench/problems/assignment-values.js';
import { learningCurveFor } from '../../bench/problems/objective-functions.js';
import { problemDefinition } from '../../bench/problems/problem-catalog.js';
import type { RunRecord } from '../../bench/report/results-file.js';
import { stockPython } from '../../bench/stock/stock-service.js';
import { median } from '../../shared/numeric/percentile.js';
import { skipUnlessStockEnvironment } from '../support/stock-environment.js';

// Optuna from the peers' environment (bash bench/peers/setup.sh), or else from the stock optuna service's, which
// CI sets up (bench/stock/setup.sh): the pruners are the same in both. Without either the test skips, saying so;
// where it is required it may not (skipUnlessStockEnvironment).
const python = [DEFAULT_PEER_PYTHON, stockPython('optuna')].find((candidate) => existsSync(candidate));
const skip = skipUnlessStockEnvironment(python === undefined ? 'no Python with optuna: run bash bench/peers/setup.sh' : undefined);

const problem = problemDefinition('curves-crossing');
const curveOf = (assignments: Record<string, string>) => learningCurveFor(problem)(parseAssignmentValues(problem, assignments));
const BUDGET = 16;

/** Python's curve and ours agree to the last bits (the test points say so), not always to the last one. */
function assertClose(actual: number | null, expected: number, what: string): void {
  assert.ok(actual !== null && Math.abs(actual - expected) <= 1e-12 * Math.abs(expected), `${what}: ${actual} vs ${expected}`);
}

describe("Optuna's MedianPruner as a peer, driven epoch by epoch through the learning curves", { skip }, () => {
  let pruned: RunRecord;
  let unpruned: RunRecord;

  before(async () => {
    assert.ok(python !== undefined, 'no Python with optuna');
    const job = { python, problem: problem.name, seeds: [3], budget: BUDGET, parallel: 3, schedule: 'async' as const };
    pruned = (await runPeer({ ...job, peer: 'optuna-random+median-pruner' }, () => {}))[0]!;
    unpruned = (await runPeer({ ...job, peer: 'optuna-random' }, () => {}))[0]!;
  });

  it('names the suggestion peer and the pruner in its results', () => {
    assert.equal(pruned.error, undefined);
    assert.deepEqual([pruned.target, pruned.algorithm, pruned.suggestion, pruned.earlyStopping], ['optuna-random+median-pruner', 'optuna-random', 'optuna-random', 'median-pruner']);
    assert.deepEqual([unpruned.target, unpruned.algorithm, unpruned.suggestion, unpruned.earlyStopping], ['optuna-random', 'optuna-random', undefined, undefined]);
  });

  it('runs every trial for every epoch without a pruner, and records the best value each reported', () => {
    assert.equal(unpruned.trials.length, BUDGET);
    for (const trial of unpruned.trials) {
      assert.equal(trial.epochs, problem.epochs);
      assert.equal(trial.earlyStopped, undefined);
      assertClose(trial.value, Math.min(...curveOf(trial.assignments)), `trial ${trial.number}`);
    }
  });

  it('prunes trials whose best value so far is worse than the median of the completed trials at that epoch, once 5 have completed', () => {
    assert.equal(pruned.trials.length, BUDGET);
    const stopped = pruned.trials.filter((trial) => trial.earlyStopped);
    assert.ok(stopped.length > 0, 'nothing was pruned');
    for (const trial of pruned.trials) {
      const reported = curveOf(trial.assignments).slice(0, trial.epochs);
      assertClose(trial.value, Math.min(...reported), `trial ${trial.number}`);
      if (!trial.earlyStopped) {
        assert.equal(trial.epochs, problem.epochs);
        continue;
      }
      const completed = pruned.trials.filter((other) => !other.earlyStopped && other.completionSeconds < trial.completionSeconds);
      assert.ok(completed.length >= 5, `trial ${trial.number} pruned after ${completed.length} completed trials`);
      const atEpoch = completed.map((other) => curveOf(other.assignments)[trial.epochs! - 1]!);
      assert.ok(Math.min(...reported) > median(atEpoch), `trial ${trial.number} was pruned, but it was not worse than the median`);
    }
  });

  it('draws the same points as the unpruned peer (a random sampler with the same seed): the runs are paired', () => {
    assert.deepEqual(
      pruned.trials.map((trial) => trial.assignments).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      unpruned.trials.map((trial) => trial.assignments).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
    const steps = (run: RunRecord) => run.trials.reduce((total, trial) => total + trial.epochs!, 0);
    assert.ok(steps(pruned) < steps(unpruned));
  });
});
