import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { GetEarlyStoppingRulesRequest } from '../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesRequest.js';
import type { ValidateEarlyStoppingSettingsRequest } from '../../shared/wire/generated/api/v1/beta1/ValidateEarlyStoppingSettingsRequest.js';
import { decodeFixture, decodeFixtureAsJson, readFixtureJson } from '../support/fixtures.js';
import { startMedianStop, type RunningMedianStop } from './medianstop-server.js';
import { lines, startDbManagerStandIn, type DbManagerStandIn } from '../../bench/katib/db-manager-stand-in.js';

/** Katib's own encoding of the median-stop example's requests: our proto reads them, and the service serves them. */

const RULES = 'median-stop.get-early-stopping-rules';
const VALIDATE = 'median-stop.validate-early-stopping-settings';

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

test('the early-stopping fixtures decode with our proto to exactly their JSON form', () => {
  assert.deepEqual(decodeFixtureAsJson(`${RULES}.bin`, 'GetEarlyStoppingRulesRequest'), readFixtureJson(`${RULES}.json`));
  assert.deepEqual(decodeFixtureAsJson(`${VALIDATE}.bin`, 'ValidateEarlyStoppingSettingsRequest'), readFixtureJson(`${VALIDATE}.json`));
});

test("the fixture's settings validate", async () => {
  await service.client.validate(decodeFixture<ValidateEarlyStoppingSettingsRequest>(`${VALIDATE}.bin`, 'ValidateEarlyStoppingSettingsRequest'));
});

test('the fixture request is served: the two succeeded trials give the median at start_step 2', async () => {
  const request = decodeFixture<GetEarlyStoppingRulesRequest>(`${RULES}.bin`, 'GetEarlyStoppingRulesRequest');
  assert.equal(request.db_manager_address, 'katib-db-manager.kubeflow:6789');
  db.logs.set('median-stop-q7xk2m9c', lines('loss', ['0.9', '0.7', '0.5'])); // 0.8
  db.logs.set('median-stop-z4wbt8rn', lines('loss', ['0.6', '0.4', '0.25'])); // 0.5
  // Early stopped: its log must not count, or the median would move.
  db.logs.set('median-stop-w2rkn7gb', lines('loss', ['0.1', '0.1']));
  const reply = await service.client.getRules({ ...request, db_manager_address: db.address });
  assert.deepEqual(reply.early_stopping_rules, [{ name: 'loss', value: '0.65', comparison: 'GREATER', start_step: 2 }]);
  assert.deepEqual(db.requests.map((call) => call.trial_name).sort(), ['median-stop-q7xk2m9c', 'median-stop-z4wbt8rn']);
});
