import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runSimulatedExperiment, type ExperimentOutcome } from '../../bench/controller/simulated-controller.js';
import { grpcSuggestionEndpoint, type SuggestionEndpoint } from '../../bench/controller/suggestion-endpoint.js';
import { learningCurveFor } from '../../bench/problems/objective-functions.js';
import { problemDefinition } from '../../bench/problems/problem-catalog.js';
import { startStockService, stockServiceMissing, type StockServiceProcess } from '../../bench/stock/stock-service.js';
import { CALL_HANG_GUARD_MS } from '../support/hang-guard.js';
import { skipUnlessStockEnvironment } from '../support/stock-environment.js';

// Katib's stock optuna service (optuna 3.3.0), run from the Katib checkout bench/stock/setup.sh prepared. Without
// it these tests skip and say why, except where it is required (skipUnlessStockEnvironment).
const missing = stockServiceMissing('optuna');
const skip = skipUnlessStockEnvironment(missing === undefined ? undefined : `stock optuna service not set up: ${missing}`);

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("Katib's stock optuna service from a Katib checkout", { skip }, () => {
  const branin = problemDefinition('branin');
  let service: StockServiceProcess;
  let endpoint: SuggestionEndpoint;
  let outcome: ExperimentOutcome;

  before(async () => {
    assert.equal(missing, undefined, `the stock optuna service is required here: ${missing}`);
    service = await startStockService('optuna');
    endpoint = grpcSuggestionEndpoint(service.address, { deadlineMs: CALL_HANG_GUARD_MS });
    outcome = await runSimulatedExperiment(endpoint, {
      settings: {
        name: 'stock-optuna-test',
        problem: branin,
        algorithmName: 'multivariate-tpe',
        algorithmSettings: [{ name: 'random_state', value: '7' }],
        parallelTrialCount: 3,
        maxTrialCount: 15,
      },
      learningCurve: learningCurveFor(branin),
      epochs: 1,
      durationSeconds: (number) => 60 + ((number * 37) % 100),
    });
  });

  after(async () => {
    endpoint?.close();
    await service?.stop();
  });

  it('serves on 127.0.0.1 and runs a whole Experiment over gRPC', () => {
    assert.match(service.address, /^127\.0\.0\.1:\d+$/);
    assert.equal(outcome.error, undefined, `${outcome.error}\n${service.output()}`);
    assert.equal(outcome.trials.length, 15);
    assert.ok(outcome.trials.every((trial) => trial.value !== null && trial.error === undefined));
  });

  it('hands out distinct assignments inside the feasible space', () => {
    const keys = new Set(outcome.trials.map((trial) => JSON.stringify(trial.assignments)));
    assert.equal(keys.size, 15);
    assert.ok(outcome.trials.every((trial) => !trial.duplicate));
  });

  it('answers ValidateAlgorithmSettings with its own refusal for a setting it does not know', async () => {
    await assert.rejects(
      endpoint.validateAlgorithmSettings({
        experiment: {
          name: 'stock-optuna-refusal',
          spec: {
            parameter_specs: { parameters: [{ name: 'x', parameter_type: 'DOUBLE', feasible_space: { min: '0', max: '1' } }] },
            algorithm: { algorithm_name: 'tpe', algorithm_settings: [{ name: 'no_such_setting', value: '1' }] },
          },
        },
      }),
      /INVALID_ARGUMENT.*no_such_setting/,
    );
  });

  it('is gone, with its process group, once stopped', async () => {
    const { pid } = service;
    await service.stop();
    assert.equal(isAlive(pid), false);
    assert.throws(() => process.kill(-pid, 0), /ESRCH/);
  });
});

describe('stock services that are not set up', () => {
  it('say what to run instead of starting', async () => {
    const nowhere = mkdtempSync(path.join(tmpdir(), 'no-katib-'));
    assert.match(stockServiceMissing('hyperopt', nowhere) ?? '', /not a Katib checkout|setup\.sh/);
    await assert.rejects(startStockService('hyperopt', { katibSource: nowhere }), /stock hyperopt: .*(not a Katib checkout|setup\.sh)/);
  });
});
