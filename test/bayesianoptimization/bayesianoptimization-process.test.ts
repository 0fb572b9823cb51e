import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { ValidateAlgorithmSettingsRequest } from '../../shared/wire/generated/api/v1/beta1/ValidateAlgorithmSettingsRequest.js';
import { SuggestionClient } from '../support/clients.js';
import { decodeFixture } from '../support/fixtures.js';
import { assignmentsOf, doubleParameter, experiment, suggestionsRequest, trial } from '../support/requests.js';
import { startServiceProcess, type ServiceProcess } from '../../bench/targets/service-process.js';
import { withFreshProcess } from '../support/service-process.js';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';

/** Katib's bayesian-optimization example, as its controller sends it: 5 trials (2 succeeded), 3 wanted. */
const fixture = (): GetSuggestionsRequest => decodeFixture<GetSuggestionsRequest>('bayesian-optimization.get-suggestions.bin', 'GetSuggestionsRequest');

/** An experiment far enough along that the GP, not the initial design, makes the suggestions. */
function modelPhaseRequest(): GetSuggestionsRequest {
  const spec = experiment({
    name: 'bo-restart',
    algorithm: 'bayesianoptimization',
    parameters: [doubleParameter('lr', '0.001', '0.1', { distribution: 'LOG_UNIFORM' }), doubleParameter('momentum', '0.5', '0.99')],
    settings: { n_initial_points: '4' },
  });
  const trials: Trial[] = [];
  for (let i = 0; i < 9; i++) {
    const lr = 0.001 * 100 ** ((i * 0.37) % 1);
    const momentum = 0.5 + 0.49 * ((i * 0.61) % 1);
    const loss = (Math.log10(lr) + 2) ** 2 + (momentum - 0.9) ** 2;
    trials.push(trial(`bo-restart-${i}`, { lr: lr.toPrecision(6), momentum: momentum.toPrecision(6) }, i === 8 ? 'RUNNING' : 'SUCCEEDED', i === 8 ? undefined : String(loss)));
  }
  return suggestionsRequest(spec, trials, 3);
}

describe('the bayesianoptimization service as a process', () => {
  let service: ServiceProcess;
  let client: SuggestionClient;
  before(async () => {
    service = await startServiceProcess('bayesianoptimization');
    client = new SuggestionClient(service.address);
  });
  after(async () => {
    client.close();
    await service.stop();
  });

  it("validates Katib's example experiment and answers its request with current_request_number in-space assignments", async () => {
    await client.validate(decodeFixture<ValidateAlgorithmSettingsRequest>('bayesian-optimization.validate-algorithm-settings.bin', 'ValidateAlgorithmSettingsRequest'));
    const request = fixture();
    const reply = await client.getSuggestions(request);
    assert.equal(reply.parameter_assignments.length, request.current_request_number);
    for (const assignment of assignmentsOf(reply)) {
      assert.deepEqual(Object.keys(assignment), ['lr', 'momentum']);
      assert.ok(Number(assignment['lr']) >= 0.01 && Number(assignment['lr']) <= 0.05, assignment['lr']);
      assert.ok(Number(assignment['momentum']) >= 0.5 && Number(assignment['momentum']) <= 0.9, assignment['momentum']);
    }
  });

  it('answers as a freshly started process does: restarts and replicas change nothing', async () => {
    const request = modelPhaseRequest();
    const first = assignmentsOf(await client.getSuggestions(request));
    await service.stop('SIGTERM');
    service = await startServiceProcess('bayesianoptimization');
    client.close();
    client = new SuggestionClient(service.address);
    assert.deepEqual(assignmentsOf(await client.getSuggestions(request)), first);
    await withFreshProcess('bayesianoptimization', async (replica) => {
      assert.deepEqual(assignmentsOf(await replica.getSuggestions(request)), first);
      assert.deepEqual(assignmentsOf(await replica.getSuggestions(fixture())), assignmentsOf(await client.getSuggestions(fixture())));
    });
  });
});
