import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { randomSearch } from '../../services/random/random-search.js';
import { multivariateTpe, tpe } from '../../services/tpe/tpe-algorithms.js';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';
import { expectCallError, grpc } from '../support/clients.js';
import { median, runSequentialExperiment } from '../support/experiment-runner.js';
import {
  assignmentKey,
  assignmentOf,
  assignmentsOf,
  categoricalParameter,
  discreteParameter,
  doubleParameter,
  experiment,
  intParameter,
  suggestionsRequest,
  trial,
} from '../support/requests.js';
import { startSuggestionServer, type RunningSuggestionServer } from '../support/suggestion-server.js';

describe('the tpe service through a real gRPC server', () => {
  let server: RunningSuggestionServer;
  before(async () => {
    server = await startSuggestionServer([tpe, multivariateTpe, randomSearch]);
  });
  after(async () => {
    await server.close();
  });

  const bowl = (assignment: Record<string, string>) =>
    (Number(assignment['x']) - 1) ** 2 + (Number(assignment['y']) + 2) ** 2 + (Number(assignment['z']) - 0.5) ** 2;
  const bowlParameters = ['x', 'y', 'z'].map((name) => doubleParameter(name, '-5', '5'));

  /** The median over `seeds` experiments of the best loss after 40 sequential trials. */
  async function medianBest(algorithm: string, seeds: number): Promise<number> {
    const bests: number[] = [];
    for (let seed = 0; seed < seeds; seed++) {
      const { values } = await runSequentialExperiment({
        suggest: (request) => server.client.getSuggestions(request),
        experiment: experiment({ name: `bowl-${seed}`, algorithm, parameters: bowlParameters }),
        objective: bowl,
        trialCount: 40,
      });
      bests.push(Math.min(...values));
    }
    return median(bests);
  }

  it('beats random search on a 3-D quadratic bowl after 40 sequential trials (median over 9 seeds)', async () => {
    const random = await medianBest('random', 9);
    for (const algorithm of ['tpe', 'multivariate-tpe']) {
      const best = await medianBest(algorithm, 9);
      assert.ok(best < random, `${algorithm}: median best ${best}, random's ${random}`);
    }
  });

  const space = [
    intParameter('layers', '1', '4'),
    categoricalParameter('optimizer', ['sgd', 'adam', 'rmsprop']),
    discreteParameter('batch', ['32', '64']),
  ];

  it('keeps a batch distinct from itself and from completed, running and failed trials, until the space is full, then repeats', async () => {
    for (const algorithm of ['tpe', 'multivariate-tpe']) {
      const spec = experiment({ name: `distinct-${algorithm}`, algorithm, settings: { n_startup_trials: '3' }, parameters: space });
      const trials: Trial[] = [];
      for (const batch of [4, 4, 6, 5, 5]) {
        const reply = await server.client.getSuggestions(suggestionsRequest(spec, trials, batch));
        const keys = assignmentsOf(reply).map(assignmentKey);
        assert.equal(new Set(keys).size, batch);
        const existing = new Set(trials.map((t) => assignmentKey(assignmentOf(t))));
        assert.ok(keys.every((key) => !existing.has(key)), `${algorithm} repeated a trial`);
        for (const [index, assignment] of assignmentsOf(reply).entries()) {
          const condition = index === 0 ? 'RUNNING' : index === 1 ? 'FAILED' : 'SUCCEEDED';
          trials.push(trial(`t${trials.length}`, assignment, condition, condition === 'SUCCEEDED' ? String(Number(assignment['layers']) * 0.3) : undefined));
        }
      }
      assert.equal(trials.length, 24);
      // The space is full: the next assignment re-evaluates a trial's, never an error Katib would retry for ever.
      const [again] = assignmentsOf(await server.client.getSuggestions(suggestionsRequest(spec, trials, 1)));
      assert.ok(trials.some((t) => assignmentKey(assignmentOf(t)) === assignmentKey(again!)));
    }
  });

  it('fills a batch wider than the model steers (1,200 assignments) with distinct, new, in-space ones, the same each time', async () => {
    for (const algorithm of ['tpe', 'multivariate-tpe']) {
      const spec = experiment({ name: `wide-${algorithm}`, algorithm, parameters: bowlParameters });
      const trials = Array.from({ length: 30 }, (_, i) => {
        const a = { x: String(i / 6 - 2.5), y: String(2 - i / 8), z: String((i % 7) - 3) };
        return trial(`wide-${i}`, a, i % 5 === 0 ? 'RUNNING' : 'SUCCEEDED', i % 5 === 0 ? undefined : String(bowl(a)));
      });
      const request = suggestionsRequest(spec, trials, 1200);
      const reply = assignmentsOf(await server.client.getSuggestions(request));
      const taken = new Set(trials.map((t) => assignmentKey(assignmentOf(t))));
      assert.equal(new Set(reply.map(assignmentKey)).size, 1200, algorithm);
      for (const a of reply) {
        assert.ok(!taken.has(assignmentKey(a)), `${algorithm}: ${assignmentKey(a)} repeats a trial`);
        assert.ok(['x', 'y', 'z'].every((name) => Math.abs(Number(a[name])) <= 5), `${algorithm}: ${assignmentKey(a)}`);
      }
      assert.deepEqual(assignmentsOf(await server.client.getSuggestions(request)), reply, algorithm);
    }
  });

  it('accepts both stock spellings of every setting, and random_state and seed fix the same stream', async () => {
    const parameters = [doubleParameter('x', '0', '1'), intParameter('n', '1', '100', { distribution: 'LOG_UNIFORM' })];
    const hyperopt = { gamma: '0.25', prior_weight: '2', n_EI_candidates: '30', random_state: '7' };
    const optuna = { n_startup_trials: '0', n_ei_candidates: '12', seed: '7' };
    for (const algorithm of ['tpe', 'multivariate-tpe']) {
      for (const settings of [hyperopt, optuna]) {
        const spec = experiment({ name: 'spellings', algorithm, settings, parameters });
        await server.client.validate({ experiment: spec });
        assert.equal((await server.client.getSuggestions(suggestionsRequest(spec, [], 2))).parameter_assignments.length, 2);
      }
      const withSeed = (name: string, setting: string) => experiment({ name, algorithm, settings: { [setting]: '11' }, parameters });
      const one = assignmentsOf(await server.client.getSuggestions(suggestionsRequest(withSeed('one', 'random_state'), [], 3)));
      const two = assignmentsOf(await server.client.getSuggestions(suggestionsRequest(withSeed('two', 'seed'), [], 3)));
      assert.deepEqual(one, two);
    }
  });

  const badSettings: [Record<string, string>, RegExp][] = [
    [{ gamma: '0' }, /"gamma".*"0".*> 0 and < 1/],
    [{ gamma: '1' }, /"gamma".*"1".*> 0 and < 1/],
    [{ gamma: 'a quarter' }, /"gamma".*"a quarter"/],
    [{ prior_weight: '0' }, /"prior_weight".*"0".*> 0/],
    [{ prior_weight: '-1' }, /"prior_weight".*"-1"/],
    [{ n_ei_candidates: '0' }, /"n_ei_candidates".*"0".*integer/],
    [{ n_EI_candidates: '2.5' }, /"n_EI_candidates".*"2.5".*integer/],
    [{ n_ei_candidates: '20000' }, /"n_ei_candidates".*"20000".*integer in \[1, 10000\]/],
    [{ n_startup_trials: '-1' }, /"n_startup_trials".*"-1".*integer >= 0/],
    [{ n_startup_trials: 'ten' }, /"n_startup_trials".*"ten"/],
    [{ random_state: '-3' }, /"random_state".*"-3".*integer >= 0/],
    [{ seed: '1e400' }, /"seed".*"1e400"/],
    [{ n_ei_candidates: '10', n_EI_candidates: '20' }, /given twice with different values/],
    [{ n_startup_jobs: '5' }, /unknown setting "n_startup_jobs".*accepted settings: .*gamma.*n_EI_candidates.*seed/],
  ];
  for (const [settings, message] of badSettings) {
    it(`rejects ${JSON.stringify(settings)} with INVALID_ARGUMENT in Validate and GetSuggestions`, async () => {
      for (const algorithm of ['tpe', 'multivariate-tpe']) {
        const spec = experiment({ name: 'bad-settings', algorithm, settings, parameters: [doubleParameter('x', '0', '1')] });
        for (const call of [server.client.validate({ experiment: spec }), server.client.getSuggestions(suggestionsRequest(spec, [], 1))]) {
          const error = await expectCallError(call);
          assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
          assert.match(error.details, message);
        }
      }
    });
  }
});
