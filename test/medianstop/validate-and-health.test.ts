import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callError, grpc } from './early-stopping-client.js';
import { startMedianStop, type RunningMedianStop } from './medianstop-server.js';

/** ValidateEarlyStoppingSettings and health through a real gRPC server. */

let service: RunningMedianStop;

before(async () => {
  service = await startMedianStop();
});
after(async () => {
  await service.close();
});

const spec = (settings: Record<string, string>, algorithm_name = 'medianstop') => ({
  early_stopping: { algorithm_name, algorithm_settings: Object.entries(settings).map(([name, value]) => ({ name, value })) },
});

test('valid settings, and none at all, are accepted', async () => {
  await service.client.validate(spec({}));
  await service.client.validate(spec({ min_trials_required: '5', start_step: '1' }));
  await service.client.validate(spec({ early_value: 'best', percentile: '75' }));
});

test('each bad setting is INVALID_ARGUMENT naming the setting, its value and what is expected', async () => {
  const cases: [ReturnType<typeof spec>, string][] = [
    [spec({ min_trials_required: '0' }), 'early stopping medianstop: setting "min_trials_required" has value "0"; expected an integer >= 1'],
    [spec({ min_trials_required: '-2' }), 'early stopping medianstop: setting "min_trials_required" has value "-2"; expected an integer >= 1'],
    [spec({ start_step: '0' }), 'early stopping medianstop: setting "start_step" has value "0"; expected an integer >= 1'],
    [spec({ start_step: '1.5' }), 'early stopping medianstop: setting "start_step" has value "1.5"; expected an integer >= 1'],
    [spec({ start_step: 'x' }), 'early stopping medianstop: setting "start_step" has value "x"; expected an integer >= 1'],
    [
      spec({ burn_in: '3' }),
      'early stopping medianstop: unknown setting "burn_in" (value "3"); accepted settings: min_trials_required, start_step, early_value, percentile',
    ],
    [spec({ percentile: '100' }), 'early stopping medianstop: setting "percentile" has value "100"; expected a number > 0 and < 100'],
    [spec({ early_value: 'latest' }), 'early stopping medianstop: setting "early_value" has value "latest"; expected one of average, best'],
    [spec({}, 'medianstopping'), 'early_stopping.algorithm_name "medianstopping" is not served here; this service implements "medianstop"'],
  ];
  for (const [request, message] of cases) {
    const error = await callError(service.client.validate(request));
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT, error.details);
    assert.equal(error.details, message);
  }
  const missing = await callError(service.client.validate({}));
  assert.equal(missing.code, grpc.status.INVALID_ARGUMENT);
  assert.match(missing.details, /^early_stopping is missing/);
});

test('health is SERVING for the EarlyStopping service and for ""; unknown names are NOT_FOUND', async () => {
  assert.equal(await service.client.healthCheck('api.v1.beta1.EarlyStopping'), 'SERVING');
  assert.equal(await service.client.healthCheck(''), 'SERVING');
  const unknown = await callError(service.client.healthCheck('api.v1.beta1.Nothing'));
  assert.equal(unknown.code, grpc.status.NOT_FOUND);
});
