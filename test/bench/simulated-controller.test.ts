import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { GetSuggestionsReply__Output } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsReply.js';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import { runSimulatedExperiment, type ControllerOptions } from '../../bench/controller/simulated-controller.js';
import { EndpointCallError, grpcSuggestionEndpoint, type SuggestionEndpoint } from '../../bench/controller/suggestion-endpoint.js';
import { learningCurveFor } from '../../bench/problems/objective-functions.js';
import { problemDefinition } from '../../bench/problems/problem-catalog.js';
import { startServiceProcess, type ServiceProcess } from '../../bench/targets/service-process.js';
import { CALL_HANG_GUARD_MS } from '../support/hang-guard.js';

const mixed = problemDefinition('mixed');

/** Durations chosen so that trials 2 and 3 end together and later trials overtake earlier ones. */
const DURATIONS = [0, 500, 100, 100, 350, 60, 90, 400, 120, 70, 80];

function options(overrides: Partial<ControllerOptions['settings']> = {}): ControllerOptions {
  return {
    settings: {
      name: 'controller-test',
      problem: mixed,
      algorithmName: 'random',
      algorithmSettings: [],
      parallelTrialCount: 3,
      maxTrialCount: 10,
      ...overrides,
    },
    learningCurve: learningCurveFor(mixed),
    epochs: 1,
    durationSeconds: (number) => DURATIONS[number]!,
  };
}

/** Wraps an endpoint and keeps every call, in order. */
function recording(inner: SuggestionEndpoint) {
  const calls: string[] = [];
  const requests: GetSuggestionsRequest[] = [];
  const replies: GetSuggestionsReply__Output[] = [];
  const endpoint: SuggestionEndpoint = {
    async validateAlgorithmSettings(request) {
      calls.push('validate');
      await inner.validateAlgorithmSettings(request);
    },
    async getSuggestions(request) {
      calls.push('get');
      requests.push(structuredClone(request));
      const reply = await inner.getSuggestions(request);
      replies.push(reply);
      return reply;
    },
    close: () => inner.close(),
  };
  return { endpoint, calls, requests, replies };
}

describe('simulated controller against the random service', () => {
  let service: ServiceProcess;
  let endpoint: SuggestionEndpoint;
  let run: ReturnType<typeof recording>;
  let outcome: Awaited<ReturnType<typeof runSimulatedExperiment>>;

  before(async () => {
    service = await startServiceProcess('random');
    endpoint = grpcSuggestionEndpoint(service.address, { deadlineMs: CALL_HANG_GUARD_MS });
    run = recording(endpoint);
    outcome = await runSimulatedExperiment(run.endpoint, options());
  });

  after(async () => {
    endpoint?.close();
    await service?.stop();
  });

  it('validates once, before the first GetSuggestions, and finishes without error', () => {
    assert.equal(outcome.error, undefined);
    assert.equal(run.calls[0], 'validate');
    assert.equal(run.calls.filter((call) => call === 'validate').length, 1);
  });

  it('creates exactly max_trial_count trials and finishes each one once: no trial lost', () => {
    assert.deepEqual(
      outcome.trials.map((trial) => trial.number).sort((a, b) => a - b),
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    assert.ok(outcome.trials.every((trial) => trial.value !== null && trial.error === undefined));
  });

  it('sets current_request_number to the free slots and total_request_number to the running sum', () => {
    let total = 0;
    for (const request of run.requests) {
      const running = request.trials!.filter((trial) => trial.status!.condition === 'RUNNING').length;
      assert.equal(request.current_request_number, Math.min(3 - running, 10 - total));
      total += request.current_request_number!;
      assert.equal(request.total_request_number, total);
    }
    assert.equal(total, 10);
    assert.equal(run.requests[0]!.current_request_number, 3);
    assert.equal(run.requests[0]!.trials!.length, 0);
    // Trials 2 and 3 end at the same second: one request replaces both.
    assert.equal(run.requests[1]!.current_request_number, 2);
  });

  it('sends every trial so far, running ones without an observation and succeeded ones with their metric', () => {
    run.requests.forEach((request, index) => {
      assert.equal(request.trials!.length, request.total_request_number! - request.current_request_number!);
      if (index > 0) assert.ok(request.trials!.some((trial) => trial.status!.condition === 'RUNNING'), `request ${index} has no pending trial`);
      for (const trial of request.trials!) {
        const number = Number(trial.name!.slice('controller-test-'.length));
        assert.equal(trial.name, `controller-test-${number}`);
        const metrics = trial.status!.observation!.metrics!;
        if (trial.status!.condition === 'RUNNING') {
          assert.deepEqual(metrics, []);
          assert.equal(trial.status!.completion_time, '');
        } else {
          assert.equal(trial.status!.condition, 'SUCCEEDED');
          const record = outcome.trials.find((finished) => finished.number === number)!;
          assert.deepEqual(metrics, [{ name: 'validation_loss', value: String(record.value) }]);
          assert.match(trial.status!.completion_time!, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
        }
      }
    });
  });

  it('turns each returned assignment into the trial it later reports, unchanged', () => {
    const returned = run.replies.flatMap((reply) => reply.parameter_assignments.map((assignment) => assignment.assignments));
    assert.equal(returned.length, 10);
    returned.forEach((assignments, index) => {
      const record = outcome.trials.find((trial) => trial.number === index + 1)!;
      assert.deepEqual(record.assignments, Object.fromEntries(assignments.map(({ name, value }) => [name, value])));
    });
  });

  it('interleaves completions: later trials finish before earlier ones', () => {
    const order = outcome.trials.map((trial) => trial.number);
    assert.notDeepEqual(order, [...order].sort((a, b) => a - b));
    // Worked out by hand from DURATIONS: e.g. trial 5 (60 s from t=100) ends before trial 4 (350 s from t=100).
    assert.deepEqual(order, [2, 3, 5, 6, 4, 1, 8, 9, 7, 10]);
    for (let i = 1; i < outcome.trials.length; i++) {
      assert.ok(outcome.trials[i]!.completionSeconds >= outcome.trials[i - 1]!.completionSeconds);
    }
  });

  it('records one call per request with its history size', () => {
    assert.deepEqual(
      outcome.calls.map((call) => [call.historySize, call.requested, call.totalRequested]),
      run.requests.map((request) => [request.trials!.length, request.current_request_number, request.total_request_number]),
    );
  });
});

describe('simulated controller against scripted endpoints', () => {
  const point = (dropout: string, optimizer = 'adam') => [
    { name: 'learning_rate', value: '0.001' },
    { name: 'width', value: '128' },
    { name: 'optimizer', value: optimizer },
    { name: 'dropout', value: dropout },
  ];

  function scripted(answer: (request: GetSuggestionsRequest) => GetSuggestionsReply__Output): ReturnType<typeof recording> {
    return recording({ validateAlgorithmSettings: async () => {}, getSuggestions: async (request) => answer(request), close: () => {} });
  }

  it('stops with an error when a reply has the wrong number of assignments', async () => {
    const run = scripted(() => ({ parameter_assignments: [{ assignments: point('0.1'), trial_name: '', labels: {} }], algorithm: null, early_stopping_rules: [] }));
    const outcome = await runSimulatedExperiment(run.endpoint, options());
    assert.match(outcome.error ?? '', /returned 1 assignments for a request of 3/);
    assert.equal(outcome.trials.length, 0);
  });

  it('stops before any GetSuggestions when Validate refuses the experiment', async () => {
    const run = recording({
      validateAlgorithmSettings: async () => Promise.reject(new Error('INVALID_ARGUMENT: no')),
      getSuggestions: async () => assert.fail('GetSuggestions after a refused Validate'),
      close: () => {},
    });
    const outcome = await runSimulatedExperiment(run.endpoint, options());
    assert.match(outcome.error ?? '', /INVALID_ARGUMENT: no/);
    assert.deepEqual(run.calls, ['validate']);
  });

  it('flags duplicates, fails trials whose assignment is infeasible, and sends them as FAILED', async () => {
    const dropouts = ['0.1', '0.1', '0.7', '0.2', '0.3', '0.4', '0.5', '0', '0.2', '0.1'];
    let next = 0;
    const run = scripted((request) => ({
      parameter_assignments: Array.from({ length: request.current_request_number! }, () => ({ assignments: point(dropouts[next++]!), trial_name: '', labels: {} })),
      algorithm: null,
      early_stopping_rules: [],
    }));
    const outcome = await runSimulatedExperiment(run.endpoint, options());
    assert.equal(outcome.error, undefined);
    const byNumber = new Map(outcome.trials.map((trial) => [trial.number, trial]));
    assert.deepEqual(
      [...byNumber.keys()].sort((a, b) => a - b).filter((number) => byNumber.get(number)!.duplicate),
      [2, 9, 10],
    );
    assert.match(byNumber.get(3)!.error ?? '', /"dropout" = "0.7" is not one of/);
    assert.equal(byNumber.get(3)!.value, null);
    const last = run.requests[run.requests.length - 1]!;
    const failed = last.trials!.find((trial) => trial.name === 'controller-test-3')!;
    assert.equal(failed.status!.condition, 'FAILED');
    assert.deepEqual(failed.status!.observation!.metrics, []);
  });

  it('asks again after the next trial ends when a call is refused UNAVAILABLE while trials run, as Katib requeues it', async () => {
    let calls = 0;
    const run = recording({
      validateAlgorithmSettings: async () => {},
      async getSuggestions(request) {
        calls++;
        if (calls === 2) throw new EndpointCallError('GetSuggestions', 'UNAVAILABLE', 'waiting for running trials');
        return {
          parameter_assignments: Array.from({ length: request.current_request_number! }, (_, i) => ({ assignments: point(String(((calls + i) % 6) / 10)), trial_name: '', labels: {} })),
          algorithm: null,
          early_stopping_rules: [],
        };
      },
      close: () => {},
    });
    const outcome = await runSimulatedExperiment(run.endpoint, options());
    assert.equal(outcome.error, undefined);
    assert.equal(outcome.trials.length, 10);
    assert.deepEqual(outcome.calls.filter((call) => call.refused).map((call) => call.totalRequested), [run.requests[1]!.total_request_number]);
    // The refused call's slot is asked for again: the next request counts it again in total_request_number.
    assert.equal(run.requests[2]!.total_request_number! - run.requests[2]!.current_request_number!, run.requests[1]!.total_request_number! - run.requests[1]!.current_request_number!);
  });

  it('stops with the error when a refused call leaves nothing running, or the refusal is anything but UNAVAILABLE', async () => {
    const refusing = (code: string) =>
      recording({
        validateAlgorithmSettings: async () => {},
        getSuggestions: async () => Promise.reject(new EndpointCallError('GetSuggestions', code, 'no')),
        close: () => {},
      });
    assert.match((await runSimulatedExperiment(refusing('UNAVAILABLE').endpoint, options())).error ?? '', /UNAVAILABLE: no/);
    assert.match((await runSimulatedExperiment(refusing('INTERNAL').endpoint, options())).error ?? '', /INTERNAL: no/);
  });

  it("merges a reply's algorithm settings into every later request", async () => {
    let calls = 0;
    const run = scripted((request) => ({
      parameter_assignments: Array.from({ length: request.current_request_number! }, () => ({
        assignments: point(String(calls % 6 / 10), ['adam', 'sgd', 'rmsprop'][calls % 3]),
        trial_name: '',
        labels: {},
      })),
      algorithm: calls++ === 0 ? { algorithm_name: 'random', algorithm_settings: [{ name: 'state', value: 'after-first' }, { name: 'random_state', value: '9' }] } : null,
      early_stopping_rules: [],
    }));
    await runSimulatedExperiment(run.endpoint, options({ algorithmSettings: [{ name: 'random_state', value: '1' }] }));
    assert.deepEqual(run.requests[0]!.experiment!.spec!.algorithm!.algorithm_settings, [{ name: 'random_state', value: '1' }]);
    for (const request of run.requests.slice(1)) {
      assert.deepEqual(request.experiment!.spec!.algorithm!.algorithm_settings, [
        { name: 'random_state', value: '9' },
        { name: 'state', value: 'after-first' },
      ]);
    }
  });
});

describe('simulated controller: trials Katib reports as diverged or leaves out', () => {
  it('sends a diverged trial as SUCCEEDED with "inf", and leaves MetricsUnavailable trials out of every request', async () => {
    const base = options();
    let next = 0;
    const dropouts = ['0', '0.1', '0.2', '0.3', '0.4', '0.5', '0', '0.1', '0.2', '0.3'];
    const run = recording({
      validateAlgorithmSettings: async () => {},
      getSuggestions: async (request) => ({
        parameter_assignments: Array.from({ length: request.current_request_number! }, () => ({
          assignments: [
            { name: 'learning_rate', value: '0.001' },
            { name: 'width', value: String(16 + next) },
            { name: 'optimizer', value: 'adam' },
            { name: 'dropout', value: dropouts[next++]! },
          ],
          trial_name: '',
          labels: {},
        })),
        algorithm: null,
        early_stopping_rules: [],
      }),
      close: () => {},
    });
    // Width 16 + k is trial k + 1: trial 2 diverges, trial 3 reports no metric.
    const outcome = await runSimulatedExperiment(run.endpoint, {
      ...base,
      learningCurve: (values) => (values['width'] === 17 ? [Infinity] : values['width'] === 18 ? undefined : [0.5]),
    });
    assert.equal(outcome.error, undefined);
    const byNumber = new Map(outcome.trials.map((trial) => [trial.number, trial]));
    assert.equal(byNumber.get(2)!.diverged, true);
    assert.equal(byNumber.get(2)!.value, null);
    assert.equal(byNumber.get(3)!.metricsUnavailable, true);
    const last = run.requests[run.requests.length - 1]!;
    const diverged = last.trials!.find((trial) => trial.name === 'controller-test-2')!;
    assert.equal(diverged.status!.condition, 'SUCCEEDED');
    assert.deepEqual(diverged.status!.observation!.metrics, [{ name: 'validation_loss', value: 'inf' }]);
    for (const request of run.requests) {
      assert.ok(!request.trials!.some((trial) => trial.name === 'controller-test-3'), 'a MetricsUnavailable trial was sent');
    }
    assert.ok(last.total_request_number! - last.current_request_number! > last.trials!.length, 'total_request_number no longer counts it');
  });
});

describe('simulated controller: schedules', () => {
  function counting() {
    let next = 0;
    return recording({
      validateAlgorithmSettings: async () => {},
      getSuggestions: async (request) => ({
        parameter_assignments: Array.from({ length: request.current_request_number! }, () => ({
          assignments: [
            { name: 'learning_rate', value: '0.001' },
            { name: 'width', value: String(16 + next++) },
            { name: 'optimizer', value: 'adam' },
            { name: 'dropout', value: '0.1' },
          ],
          trial_name: '',
          labels: {},
        })),
        algorithm: null,
        early_stopping_rules: [],
      }),
      close: () => {},
    });
  }

  it('sync: asks for whole batches, each request carrying no running trial, and finishes a batch together', async () => {
    const run = counting();
    const outcome = await runSimulatedExperiment(run.endpoint, { ...options(), schedule: 'sync' });
    assert.equal(outcome.error, undefined);
    assert.deepEqual(
      run.requests.map((request) => [request.current_request_number, request.total_request_number, request.trials!.length]),
      [
        [3, 3, 0],
        [3, 6, 3],
        [3, 9, 6],
        [1, 10, 9],
      ],
    );
    for (const request of run.requests) assert.ok(request.trials!.every((trial) => trial.status!.condition === 'SUCCEEDED'));
    // Within a batch, creation order; the batch ends when its slowest trial (DURATIONS) would: 500, then 500 + 350, ...
    assert.deepEqual(outcome.trials.map((trial) => trial.number), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(outcome.trials.map((trial) => trial.completionSeconds), [500, 500, 500, 850, 850, 850, 1250, 1250, 1250, 1330]);
  });

  it('serial: one trial at a time, and refuses a parallel count other than 1', async () => {
    const run = counting();
    const outcome = await runSimulatedExperiment(run.endpoint, { ...options({ parallelTrialCount: 1 }), schedule: 'serial' });
    assert.equal(outcome.error, undefined);
    assert.equal(run.requests.length, 10);
    assert.ok(run.requests.every((request, index) => request.current_request_number === 1 && request.trials!.length === index));
    await assert.rejects(runSimulatedExperiment(counting().endpoint, { ...options(), schedule: 'serial' }), /serial schedule runs one trial at a time, not 3/);
  });
});
