import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callError, grpc } from './early-stopping-client.js';
import { startMedianStop, type RunningMedianStop } from './medianstop-server.js';
import { rulesRequest, trial } from './rules-requests.js';
import { lines, startDbManagerStandIn, type DbManagerStandIn } from '../../bench/katib/db-manager-stand-in.js';
import { unusedAddress } from '../support/unused-address.js';

/** GetEarlyStoppingRules through a real gRPC server, reading logs from a real (test) DB manager. */

let service: RunningMedianStop;
let db: DbManagerStandIn;

before(async () => {
  db = await startDbManagerStandIn();
  service = await startMedianStop();
});
after(async () => {
  await service.close();
  await db.close();
});

/** Stores each trial's log under a name unique to the test, and returns SUCCEEDED trials for them. */
function succeededTrials(prefix: string, logs: Record<string, readonly string[]>, metric = 'loss') {
  return Object.entries(logs).map(([name, values]) => {
    db.logs.set(`${prefix}-${name}`, lines(metric, values));
    return trial(`${prefix}-${name}`, 'SUCCEEDED', values.at(-1), metric);
  });
}

test('minimize, odd count: the median of the first start_step values\' averages, compared GREATER', async () => {
  const trials = succeededTrials('odd', {
    a: ['0.9', '0.7', '0.1'], // 0.8
    b: ['0.3', '0.1', '0.9'], // 0.2
    c: ['0.6', '0.4', '0.0'], // 0.5
  });
  const reply = await service.client.getRules(rulesRequest({ trials, dbManagerAddress: db.address, settings: { start_step: '2' } }));
  assert.deepEqual(reply.early_stopping_rules, [{ name: 'loss', value: '0.5', comparison: 'GREATER', start_step: 2 }]);
});

test('maximize, even count: the mean of the two middle averages (not the mean of all), compared LESS', async () => {
  const trials = succeededTrials(
    'even',
    {
      a: ['0.1', '0.3', '0.99'], // 0.2
      b: ['0.5', '0.7'], // 0.6
      c: ['0.8', '0.8'], // 0.8
      d: ['0.95', '0.95'], // 0.95 - pulls the mean (0.6375) away from the median
    },
    'accuracy',
  );
  const request = rulesRequest({ trials, dbManagerAddress: db.address, objective: 'MAXIMIZE', metric: 'accuracy', settings: { start_step: '2', min_trials_required: '4' } });
  const reply = await service.client.getRules(request);
  assert.deepEqual(reply.early_stopping_rules, [{ name: 'accuracy', value: '0.7', comparison: 'LESS', start_step: 2 }]);
});

test('early_value best and a percentile: the rule is that percentile of the best early values, and the same logs read as averages give the median again', async () => {
  const trials = succeededTrials('best', {
    a: ['0.9', '0.7', '0.1'], // best of two 0.7, average 0.8
    b: ['0.3', '0.1', '0.9'], // best 0.1, average 0.2
    c: ['0.6', '0.4', '0.0'], // best 0.4, average 0.5
    d: ['0.8', '0.2', '0.5'], // best 0.2, average 0.5
    e: ['1.0', '0.9', '0.0'], // best 0.9, average 0.95
  });
  const best = await service.client.getRules(rulesRequest({ trials, dbManagerAddress: db.address, settings: { start_step: '2', early_value: 'best', percentile: '75' } }));
  // The bests in order: 0.1, 0.2, 0.4, 0.7, 0.9; the lowest 75% end at 0.7.
  assert.deepEqual(best.early_stopping_rules, [{ name: 'loss', value: '0.7', comparison: 'GREATER', start_step: 2 }]);
  // The cache keeps the two kinds apart: averages of the same logs, right after.
  const averages = await service.client.getRules(rulesRequest({ trials, dbManagerAddress: db.address, settings: { start_step: '2' } }));
  assert.deepEqual(averages.early_stopping_rules, [{ name: 'loss', value: '0.5', comparison: 'GREATER', start_step: 2 }]);
});

test('defaults: three trials needed, four steps averaged', async () => {
  const trials = succeededTrials('defaults', { a: ['1', '2', '3', '4', '100'], b: ['2', '2', '2', '2'] });
  assert.deepEqual((await service.client.getRules(rulesRequest({ trials, dbManagerAddress: db.address }))).early_stopping_rules, []);
  const third = succeededTrials('defaults', { c: ['4', '4', '4', '4', '4'] });
  const reply = await service.client.getRules(rulesRequest({ trials: [...trials, ...third], dbManagerAddress: db.address }));
  assert.deepEqual(reply.early_stopping_rules, [{ name: 'loss', value: '2.5', comparison: 'GREATER', start_step: 4 }]);
});

test('only SUCCEEDED trials count, and no log is read while too few have succeeded', async () => {
  const [good] = succeededTrials('states', { good: ['1'] });
  db.logs.set('states-running', lines('loss', ['100']));
  db.logs.set('states-stopped', lines('loss', ['100']));
  const others = [trial('states-running', 'RUNNING'), trial('states-stopped', 'EARLYSTOPPED', '100'), trial('states-failed', 'FAILED')];
  const before = db.requests.length;
  const tooFew = await service.client.getRules(rulesRequest({ trials: [good!, ...others], dbManagerAddress: db.address, settings: { min_trials_required: '2' } }));
  assert.deepEqual(tooFew.early_stopping_rules, []);
  assert.equal(db.requests.length, before, 'no GetObservationLog call when the rule cannot be reached');

  const reply = await service.client.getRules(rulesRequest({ trials: [good!, ...others], dbManagerAddress: db.address, settings: { min_trials_required: '1' } }));
  assert.deepEqual(reply.early_stopping_rules, [{ name: 'loss', value: '1', comparison: 'GREATER', start_step: 4 }]);
  assert.deepEqual(db.requests.slice(before).map((request) => [request.trial_name, request.metric_name]), [['states-good', 'loss']]);
});

test('short logs use what they have; a succeeded trial with no values does not count toward min_trials_required', async () => {
  const trials = succeededTrials('short', { a: ['0.4'], b: ['0.2', '0.4', '0.6', '0.8', '1.0'], empty: [] });
  const needThree = await service.client.getRules(rulesRequest({ trials, dbManagerAddress: db.address, settings: { min_trials_required: '3', start_step: '3' } }));
  assert.deepEqual(needThree.early_stopping_rules, []);
  const needTwo = await service.client.getRules(rulesRequest({ trials, dbManagerAddress: db.address, settings: { min_trials_required: '2', start_step: '3' } }));
  assert.deepEqual(needTwo.early_stopping_rules, [{ name: 'loss', value: '0.4', comparison: 'GREATER', start_step: 3 }]);
});

test('values that are not finite numbers are skipped; a log of nothing else leaves its trial out', async () => {
  const trials = succeededTrials('junk', {
    a: ['nan', '1', 'oops', '3'], // 2
    b: ['inf', '4', '', '6', '100'], // 5
    c: ['NaN', 'n/a'], // none
    d: ['10', '12'], // 11
  });
  const reply = await service.client.getRules(rulesRequest({ trials, dbManagerAddress: db.address, settings: { min_trials_required: '3', start_step: '2' } }));
  assert.deepEqual(reply.early_stopping_rules, [{ name: 'loss', value: '5', comparison: 'GREATER', start_step: 2 }]);
});

test('the first values are the earliest reported, whatever order the DB manager returns them in', async () => {
  db.logs.set('order-a', [
    ['2026-11-20T10:03:00Z', 'loss', '100'],
    ['2026-11-20T10:01:00Z', 'loss', '2'],
    ['2026-11-20T10:00:00.5Z', 'loss', '4'],
    ['2026-11-20T10:02:00Z', 'other', '-50'],
  ]);
  const reply = await service.client.getRules(
    rulesRequest({ trials: [trial('order-a', 'SUCCEEDED', '100')], dbManagerAddress: db.address, settings: { min_trials_required: '1', start_step: '2' } }),
  );
  assert.deepEqual(reply.early_stopping_rules, [{ name: 'loss', value: '3', comparison: 'GREATER', start_step: 2 }]);
});

test('the same request gets the same rule from a fresh server that has read nothing (stateless)', async () => {
  const trials = succeededTrials('restart', { a: ['1', '1'], b: ['2', '2'], c: ['7', '7'] });
  const request = rulesRequest({ trials, dbManagerAddress: db.address, settings: { start_step: '2' } });
  const first = await service.client.getRules(request);
  assert.ok(service.cache.size > 0, 'the first server cached the averages it read');
  const fresh = await startMedianStop();
  try {
    assert.deepEqual(await fresh.client.getRules(request), first);
    assert.deepEqual(first.early_stopping_rules, [{ name: 'loss', value: '2', comparison: 'GREATER', start_step: 2 }]);
  } finally {
    await fresh.close();
  }
});

test('a DB manager that restarts (UNAVAILABLE a couple of times) is retried', async () => {
  const trials = succeededTrials('flaky', { a: ['3'] });
  db.unavailableCalls = 2;
  const reply = await service.client.getRules(rulesRequest({ trials, dbManagerAddress: db.address, settings: { min_trials_required: '1' } }));
  assert.deepEqual(reply.early_stopping_rules, [{ name: 'loss', value: '3', comparison: 'GREATER', start_step: 4 }]);
  assert.equal(db.unavailableCalls, 0);
});

test('an unreachable DB manager is UNAVAILABLE naming its address', async () => {
  const address = await unusedAddress();
  const trials = [trial('gone-a', 'SUCCEEDED', '1')];
  const error = await callError(service.client.getRules(rulesRequest({ trials, dbManagerAddress: address, settings: { min_trials_required: '1' } })));
  assert.equal(error.code, grpc.status.UNAVAILABLE, error.details);
  assert.match(error.details, new RegExp(`DB manager at ${address} is unreachable`));
  assert.match(error.details, /"gone-a"/);
});

test('a DB manager that never answers is UNAVAILABLE naming its address once the deadline passes', async () => {
  const impatient = await startMedianStop({ dbManager: { deadlineMs: 300 } });
  try {
    db.hangFor.add('hung-a');
    const trials = [trial('hung-a', 'SUCCEEDED', '1')];
    const error = await callError(impatient.client.getRules(rulesRequest({ trials, dbManagerAddress: db.address, settings: { min_trials_required: '1' } })));
    assert.equal(error.code, grpc.status.UNAVAILABLE, error.details);
    assert.equal(error.details, `Katib's DB manager at ${db.address} did not answer GetObservationLog for trial "hung-a" within 300 ms`);
  } finally {
    await impatient.close();
  }
});

test('an empty or malformed db_manager_address is INVALID_ARGUMENT', async () => {
  const trials = [trial('addr-a', 'SUCCEEDED', '1')];
  const empty = await callError(service.client.getRules(rulesRequest({ trials, dbManagerAddress: '' })));
  assert.equal(empty.code, grpc.status.INVALID_ARGUMENT);
  assert.match(empty.details, /db_manager_address is empty; expected host:port/);
  const noPort = await callError(service.client.getRules(rulesRequest({ trials, dbManagerAddress: 'katib-db-manager.kubeflow' })));
  assert.equal(noPort.code, grpc.status.INVALID_ARGUMENT);
  assert.match(noPort.details, /db_manager_address "katib-db-manager.kubeflow" is not host:port/);
});

test('bad settings, another algorithm or a missing objective in the request are INVALID_ARGUMENT', async () => {
  const base = { trials: [], dbManagerAddress: db.address };
  const cases: [Parameters<typeof rulesRequest>[0], RegExp][] = [
    [{ ...base, settings: { start_step: '0' } }, /setting "start_step" has value "0"; expected an integer >= 1/],
    [{ ...base, algorithmName: 'hyperband' }, /experiment\.spec\.early_stopping\.algorithm_name "hyperband"/],
    [{ ...base, metric: '' }, /objective_metric_name is empty/],
  ];
  for (const [options, message] of cases) {
    const error = await callError(service.client.getRules(rulesRequest(options)));
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT, error.details);
    assert.match(error.details, message);
  }
});
