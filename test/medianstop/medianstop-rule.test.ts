import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ServiceError } from '../../shared/errors/service-error.js';
import { parseDbManagerAddress } from '../../services/medianstop/db-manager/db-manager-address.js';
import { medianStoppingRules } from '../../services/medianstop/rule/median-stopping-rule.js';
import { parseMedianStopSettings } from '../../services/medianstop/rule/medianstop-settings.js';

const minimize = { metricName: 'loss', direction: 'minimize' } as const;
const maximize = { metricName: 'accuracy', direction: 'maximize' } as const;

test('one rule at the median once enough trials have an average; none before', () => {
  const settings = { minTrialsRequired: 3, startStep: 4, earlyValue: 'average', percentile: 50 } as const;
  assert.deepEqual(medianStoppingRules([0.5, 0.2], minimize, settings), []);
  assert.deepEqual(medianStoppingRules([0.5, 0.2, 0.9], minimize, settings), [{ name: 'loss', value: '0.5', comparison: 'GREATER', start_step: 4 }]);
  assert.deepEqual(medianStoppingRules([0.5, 0.2, 0.9, 0.3], maximize, settings), [{ name: 'accuracy', value: '0.4', comparison: 'LESS', start_step: 4 }]);
});

test('with a percentile, the rule is that percentile of the early values counted from the best', () => {
  const settings = { minTrialsRequired: 3, startStep: 4, earlyValue: 'best', percentile: 75 } as const;
  // Minimising, the best are the lowest: a trial must be among the lowest 75% to go on.
  assert.deepEqual(medianStoppingRules([1, 2, 3, 4, 5], minimize, settings), [{ name: 'loss', value: '4', comparison: 'GREATER', start_step: 4 }]);
  // Maximising, the best are the highest: the 25th percentile from the lowest.
  assert.deepEqual(medianStoppingRules([1, 2, 3, 4, 5], maximize, settings), [{ name: 'accuracy', value: '2', comparison: 'LESS', start_step: 4 }]);
});

function assertInvalid(run: () => unknown, ...fragments: string[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ServiceError, String(error));
    assert.equal(error.kind, 'invalid-request');
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `${JSON.stringify(fragment)} not in: ${error.message}`);
    return true;
  });
}

test('settings default to the stock rule: min_trials_required 3, start_step 4, the median of the averages', () => {
  assert.deepEqual(parseMedianStopSettings({ algorithm_name: 'medianstop', algorithm_settings: [] }, 'early_stopping'), {
    minTrialsRequired: 3,
    startStep: 4,
    earlyValue: 'average',
    percentile: 50,
  });
  const given = [
    { name: 'min_trials_required', value: '1' },
    { name: 'start_step', value: ' 2 ' },
    { name: 'early_value', value: 'best' },
    { name: 'percentile', value: '75' },
  ];
  assert.deepEqual(parseMedianStopSettings({ algorithm_name: 'medianstop', algorithm_settings: given }, 'early_stopping'), {
    minTrialsRequired: 1,
    startStep: 2,
    earlyValue: 'best',
    percentile: 75,
  });
});

test('bad settings and other algorithms are INVALID_ARGUMENT naming the setting and value', () => {
  const spec = (name: string, value: string) => ({ algorithm_name: 'medianstop', algorithm_settings: [{ name, value }] });
  assertInvalid(() => parseMedianStopSettings(spec('min_trials_required', '0'), 'early_stopping'), 'min_trials_required', '"0"', 'integer >= 1');
  assertInvalid(() => parseMedianStopSettings(spec('start_step', '2.5'), 'early_stopping'), 'start_step', '"2.5"');
  assertInvalid(() => parseMedianStopSettings(spec('start_step', 'four'), 'early_stopping'), 'start_step', '"four"');
  assertInvalid(() => parseMedianStopSettings(spec('percentile', '100'), 'early_stopping'), 'percentile', '"100"', '> 0 and < 100');
  assertInvalid(() => parseMedianStopSettings(spec('percentile', '0'), 'early_stopping'), 'percentile', '"0"');
  assertInvalid(() => parseMedianStopSettings(spec('early_value', 'latest'), 'early_stopping'), 'early_value', '"latest"', 'average, best');
  assertInvalid(() => parseMedianStopSettings(spec('min_trial_required', '3'), 'early_stopping'), 'unknown setting "min_trial_required"', 'min_trials_required, start_step, early_value, percentile');
  assertInvalid(() => parseMedianStopSettings({ algorithm_name: 'hyperband', algorithm_settings: [] }, 'early_stopping'), 'early_stopping.algorithm_name "hyperband"', '"medianstop"');
  assertInvalid(() => parseMedianStopSettings(null, 'early_stopping'), 'early_stopping is missing');
});

test('db_manager_address must be host:port', () => {
  assert.equal(parseDbManagerAddress('katib-db-manager.kubeflow:6789'), 'katib-db-manager.kubeflow:6789');
  assert.equal(parseDbManagerAddress(' 10.0.0.7:6789 '), '10.0.0.7:6789');
  assert.equal(parseDbManagerAddress('[::1]:6789'), '[::1]:6789');
  assertInvalid(() => parseDbManagerAddress(''), 'db_manager_address is empty', 'host:port');
  for (const bad of ['katib-db-manager', 'katib-db-manager:', ':6789', 'host:0', 'host:70000', 'http://host:6789', 'a b:1', 'host:port']) {
    assertInvalid(() => parseDbManagerAddress(bad), `db_manager_address ${JSON.stringify(bad)}`, 'host:port');
  }
});
