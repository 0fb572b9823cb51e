import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomSearch } from '../../services/random/random-search.js';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import { expectCallError, grpc, SuggestionClient } from '../support/clients.js';
import { runConformanceSuite } from '../support/conformance.js';
import { fixtureNames, suggestionsFixtureFor } from '../support/fixtures.js';
import { assignmentsOf, experiment, intParameter, suggestionsRequest, trial } from '../support/requests.js';
import { startServiceProcess } from '../../bench/targets/service-process.js';
import { processForSuite, withFreshProcess } from '../support/service-process.js';

runConformanceSuite(randomSearch);

/** A fixture request addressed to the random algorithm, whatever algorithm its experiment named. */
const fixtureForRandom = (name: string): GetSuggestionsRequest => suggestionsFixtureFor(name, 'random');

describe('the random service as a process', () => {
  const suite = processForSuite('random');

  it('answers health SERVING for the names Katib and Kubernetes probe', async () => {
    for (const name of ['manager.v1beta1.Suggestion', '', 'api.v1.beta1.Suggestion']) {
      assert.equal(await suite.client.healthCheck(name), 'SERVING', name);
    }
  });

  for (const name of fixtureNames('.get-suggestions.bin').filter((fixture) => fixture !== 'reply')) {
    it(`serves Katib's ${name} request: exactly current_request_number in-space assignments naming every parameter once`, async () => {
      const request = fixtureForRandom(name);
      const reply = await suite.client.getSuggestions(request);
      assert.equal(reply.parameter_assignments.length, request.current_request_number);
      const parameters = request.experiment!.spec!.parameter_specs!.parameters!;
      for (const entry of reply.parameter_assignments) {
        assert.deepEqual(entry.assignments.map((a) => a.name), parameters.map((p) => p.name));
        for (const assignment of entry.assignments) {
          const space = parameters.find((p) => p.name === assignment.name)!.feasible_space!;
          const value = Number(assignment.value);
          assert.ok(value >= Number(space.min) && value <= Number(space.max), `${assignment.name}=${assignment.value}`);
        }
      }
    });
  }

  it('gives the same reply from a second process, and a different one for the next request', async () => {
    const request = fixtureForRandom('random');
    const first = assignmentsOf(await suite.client.getSuggestions(request));
    await withFreshProcess('random', async (second) => assert.deepEqual(assignmentsOf(await second.getSuggestions(request)), first));
    const next = { ...request, trials: [...request.trials!, ...first.map((a, i) => trial(`next-${i}`, a, 'RUNNING'))], total_request_number: 11 };
    const later = assignmentsOf(await suite.client.getSuggestions(next));
    assert.notDeepEqual(later, first);
  });

  it('follows random_state: the same seed gives the same stream in differently named experiments', async () => {
    const spec = (name: string) =>
      experiment({ name, algorithm: 'random', settings: { random_state: '7' }, parameters: [intParameter('a', '0', '1000000')] });
    const a = assignmentsOf(await suite.client.getSuggestions(suggestionsRequest(spec('one'), [], 4)));
    const b = assignmentsOf(await suite.client.getSuggestions(suggestionsRequest(spec('two'), [], 4)));
    assert.deepEqual(a, b);
  });

  it('rejects a bad random_state with INVALID_ARGUMENT naming it', async () => {
    for (const value of ['-1', '1.5', 'seven']) {
      const spec = experiment({ algorithm: 'random', settings: { random_state: value }, parameters: [intParameter('a', '0', '9')] });
      const error = await expectCallError(suite.client.validate({ experiment: spec }));
      assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
      assert.match(error.details, new RegExp(`random_state.*"${value}".*integer >= 0`));
    }
  });

  it('counts calls by method and status code on /metrics', async () => {
    const scrape = async () => (await fetch(`http://127.0.0.1:${suite.service.metricsPort}/metrics`)).text();
    const count = (text: string, code: string) =>
      Number(new RegExp(`katib_service_calls_total\\{method="GetSuggestions",code="${code}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    const sample = (text: string, metric: string) => Number(new RegExp(`${metric}\\{method="GetSuggestions"\\} (\\d+)`).exec(text)?.[1] ?? 0);
    const before = await scrape();
    await suite.client.getSuggestions(fixtureForRandom('random'));
    await expectCallError(suite.client.getSuggestions({ ...fixtureForRandom('random'), current_request_number: 0 }));
    const after = await scrape();
    assert.equal(count(after, 'OK'), count(before, 'OK') + 1);
    assert.equal(count(after, 'INVALID_ARGUMENT'), count(before, 'INVALID_ARGUMENT') + 1);
    assert.equal(sample(after, 'katib_service_calls_started_total'), sample(before, 'katib_service_calls_started_total') + 2);
    assert.equal(sample(after, 'katib_service_calls_in_flight'), 0);
    assert.equal(sample(after, 'katib_service_trials_per_request_count'), sample(before, 'katib_service_trials_per_request_count') + 2);
    assert.match(after, /katib_service_call_duration_seconds_bucket/);
    assert.match(after, /process_resident_memory_bytes/);
  });

  it('logs one JSON line per call with experiment, algorithm, counts, duration and status', async () => {
    await suite.client.getSuggestions(fixtureForRandom('random'));
    const line = suite.service.logs.findLast((entry) => entry['msg'] === 'call' && entry['method'] === 'GetSuggestions' && entry['code'] === 'OK')!;
    assert.equal(line['experiment'], 'random');
    assert.equal(line['algorithm'], 'random');
    assert.equal(line['trials'], 5);
    assert.equal(line['assignments'], 3);
    assert.equal(typeof line['durationMs'], 'number');
  });

  /** The newest call line matching `matches`, waiting briefly: the line and the reply leave the process separately. */
  async function callLine(matches: (entry: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const line = suite.service.logs.findLast((entry) => entry['msg'] === 'call' && matches(entry));
      if (line !== undefined) return line;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error('no such call line');
  }

  it('logs a refused call with the experiment it came from, at level warn, with the reason', async () => {
    const request = fixtureForRandom('random');
    request.experiment!.name = 'refused-experiment';
    await expectCallError(suite.client.getSuggestions({ ...request, current_request_number: 0 }));
    const line = await callLine((entry) => entry['experiment'] === 'refused-experiment');
    assert.equal(line['code'], 'INVALID_ARGUMENT');
    assert.equal(line['level'], 40);
    assert.match(String(line['error']), /current_request_number 0 is out of range/);
  });

  it('puts warnings about the request on its call line, at level warn', async () => {
    const spec = experiment({ name: 'warned-experiment', algorithm: 'random', parameters: [intParameter('n', '1', '100')] });
    const trials = [trial('good', { n: '1' }, 'SUCCEEDED', '0.5'), trial('unreadable', { n: '2' }, 'SUCCEEDED', 'not-a-number')];
    await suite.client.getSuggestions(suggestionsRequest(spec, trials, 1));
    const line = await callLine((entry) => entry['experiment'] === 'warned-experiment');
    assert.equal(line['code'], 'OK');
    assert.equal(line['level'], 40);
    assert.equal(line['failed'], 1);
    assert.match(String((line['warnings'] as string[])[0]), /trial "unreadable".*"not-a-number" is not a number/);
  });
  it('repeats the best assignment once the space is used up: a warning on the call line and katib_service_repeated_assignments_total', async () => {
    const scrape = async () => (await fetch(`http://127.0.0.1:${suite.service.metricsPort}/metrics`)).text();
    const repeated = (text: string) => Number(/katib_service_repeated_assignments_total\{algorithm="random"\} (\d+)/.exec(text)?.[1] ?? 0);
    const spec = experiment({ name: 'used-up', algorithm: 'random', parameters: [intParameter('n', '1', '2')], maxTrialCount: 4 });
    await suite.client.validate({ experiment: spec });
    const validateLine = await callLine((entry) => entry['experiment'] === 'used-up' && entry['method'] === 'ValidateAlgorithmSettings');
    assert.match(String((validateLine['warnings'] as string[])[0]), /2 distinct assignments and max_trial_count 4 is more than that/);
    const before = await scrape();
    const trials = [trial('a', { n: '1' }, 'SUCCEEDED', '0.7'), trial('b', { n: '2' }, 'SUCCEEDED', '0.2')];
    assert.deepEqual(assignmentsOf(await suite.client.getSuggestions(suggestionsRequest(spec, trials, 2))), [{ n: '2' }, { n: '1' }]);
    const line = await callLine((entry) => entry['experiment'] === 'used-up' && entry['method'] === 'GetSuggestions');
    assert.equal(line['code'], 'OK');
    assert.equal(line['repeated'], 2);
    assert.match(String((line['warnings'] as string[]).at(-1)), /no unused assignment left for 2 of the 2 requested \(2 distinct assignments, 2 used by the trials in the request\)/);
    assert.equal(repeated(await scrape()), repeated(before) + 2);
  });
});

describe('shutdown of the random service', () => {
  it('on SIGTERM turns health NOT_SERVING, drains and exits 0', async (t) => {
    const service = await startServiceProcess('random', { env: { SHUTDOWN_GRACE_SECONDS: '5' } });
    const client = new SuggestionClient(service.address);
    // Whatever fails below, the process does not outlive the test (it once kept the run waiting for 16 minutes).
    t.after(async () => {
      client.close();
      await service.stop('SIGKILL');
    });
    await client.getSuggestions(fixtureForRandom('random'));
    const code = await service.stop('SIGTERM');
    assert.equal(code, 0);
    assert.ok(service.logs.some((entry) => entry['msg'] === 'draining'));
    assert.ok(service.logs.some((entry) => entry['msg'] === 'stopped'));
  });

  it('refuses to start on a bad configuration, saying which variable is wrong', async () => {
    await assert.rejects(startServiceProcess('random', { env: { PORT: 'eighty' } }), /PORT="eighty" is invalid/);
  });
});
