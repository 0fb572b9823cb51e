import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bayesianOptimization } from '../../services/bayesianoptimization/bayesian-optimization.js';
import type { ParameterSpec } from '../../shared/wire/generated/api/v1/beta1/ParameterSpec.js';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';
import { expectCallError, grpc } from '../support/clients.js';
import { median, runSequentialExperiment } from '../support/experiment-runner.js';
import {
  assignmentKey,
  assignmentOf,
  assignmentsOf,
  categoricalParameter,
  type Condition,
  discreteParameter,
  doubleParameter,
  experiment,
  intParameter,
  suggestionsRequest,
  trial,
} from '../support/requests.js';
import { startSuggestionServer, type RunningSuggestionServer } from '../support/suggestion-server.js';

const BO = 'bayesianoptimization';

/** Branin on its usual domain: smooth, 2-D, minimum 0.397887. */
function branin(assignment: Record<string, string>): number {
  const x1 = Number(assignment['x1']);
  const x2 = Number(assignment['x2']);
  const b = 5.1 / (4 * Math.PI * Math.PI);
  const c = 5 / Math.PI;
  return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x1) + 10;
}

const braninParameters = [doubleParameter('x1', '-5', '10'), doubleParameter('x2', '0', '15')];

const mixedParameters: ParameterSpec[] = [
  doubleParameter('lr', '0.0001', '0.1', { distribution: 'LOG_UNIFORM' }),
  doubleParameter('momentum', '-0.5', '0.9'),
  doubleParameter('ratio', '0.1', '0.5', { step: '0.05' }),
  doubleParameter('centre', '0', '10', { distribution: 'NORMAL' }),
  intParameter('layers', '1', '6'),
  intParameter('width', '16', '1024', { distribution: 'LOG_UNIFORM' }),
  discreteParameter('dropout', ['0', '0.1', '0.25', '0.5']),
  categoricalParameter('optimizer', ['sgd', 'adam', 'rmsprop']),
];

/** A smooth loss over the mixed parameters, best near lr 0.01, momentum 0.6, layers 3, width 256, adam, dropout 0.1. */
function mixedLoss(a: Record<string, string>): number {
  return (
    (Math.log10(Number(a['lr'])) + 2) ** 2 +
    (Number(a['momentum']) - 0.6) ** 2 +
    (Number(a['ratio']) - 0.3) ** 2 +
    ((Number(a['centre']) - 5) / 10) ** 2 +
    ((Number(a['layers']) - 3) / 5) ** 2 +
    (Math.log2(Number(a['width'])) - 8) ** 2 / 10 +
    (Number(a['dropout']) - 0.1) ** 2 +
    (a['optimizer'] === 'adam' ? 0 : 0.5)
  );
}


describe('bayesianoptimization over gRPC', () => {
  let server: RunningSuggestionServer;
  before(async () => {
    server = await startSuggestionServer([bayesianOptimization]);
  });
  after(async () => {
    await server.close();
  });

  const spec = (name: string, parameters: ParameterSpec[], settings: Record<string, string> = {}) =>
    experiment({ name, algorithm: BO, parameters, settings, parallelTrialCount: 3 });

  /** Grows an experiment through the server: `rounds` batches, each evaluated by `loss`. */
  async function grow(name: string, parameters: ParameterSpec[], settings: Record<string, string>, rounds: number, batch: number, loss: (a: Record<string, string>) => number): Promise<Trial[]> {
    const result = await runSequentialExperiment({
      suggest: (request) => server.client.getSuggestions(request),
      experiment: spec(name, parameters, settings),
      objective: loss,
      trialCount: rounds * batch,
      batch,
    });
    return result.trials;
  }

  describe('settings', () => {
    it("accepts the stock service's settings, every acquisition function with every acquisition optimiser", async () => {
      const history = await grow('settings-history', mixedParameters, { n_initial_points: '4' }, 2, 3, mixedLoss);
      for (const acq of ['gp_hedge', 'EI', 'PI', 'LCB']) {
        for (const optimizer of ['auto', 'sampling', 'lbfgs']) {
          const settings = { base_estimator: 'GP', n_initial_points: '4', acq_func: acq, acq_optimizer: optimizer, random_state: '3' };
          await server.client.validate({ experiment: spec('settings', mixedParameters, settings) });
          const reply = await server.client.getSuggestions(suggestionsRequest(spec('settings', mixedParameters, settings), history, 2));
          assert.equal(reply.parameter_assignments.length, 2, `${acq} / ${optimizer}`);
        }
      }
    });

    const rejected: [Record<string, string>, RegExp][] = [
      [{ base_estimator: 'RF' }, /base_estimator.*"RF".*Gaussian process only.*supported: GP/],
      [{ base_estimator: 'ET' }, /base_estimator.*"ET".*Gaussian process only/],
      [{ base_estimator: 'GBRT' }, /base_estimator.*"GBRT".*Gaussian process only/],
      [{ base_estimator: 'SVM' }, /base_estimator.*"SVM".*expected one of GP/],
      [{ n_initial_points: '-1' }, /n_initial_points.*"-1".*integer >= 0/],
      [{ n_initial_points: '2.5' }, /n_initial_points.*"2.5".*integer >= 0/],
      [{ n_initial_points: 'ten' }, /n_initial_points.*"ten".*integer >= 0/],
      [{ acq_func: 'EIps' }, /acq_func.*"EIps".*running time.*supported: gp_hedge, EI, PI, LCB/],
      [{ acq_func: 'PIps' }, /acq_func.*"PIps".*running time/],
      [{ acq_func: 'UCB' }, /acq_func.*"UCB".*expected one of gp_hedge, EI, PI, LCB/],
      [{ acq_optimizer: 'adam' }, /acq_optimizer.*"adam".*expected one of auto, sampling, lbfgs/],
      [{ random_state: '-3' }, /random_state.*"-3".*integer >= 0/],
      [{ random_state: 'abc' }, /random_state.*"abc".*integer >= 0/],
      [{ xi: '0.01' }, /unknown setting "xi".*base_estimator, n_initial_points, acq_func, acq_optimizer, random_state/],
    ];
    for (const [settings, message] of rejected) {
      it(`rejects ${JSON.stringify(settings)} with INVALID_ARGUMENT in Validate and GetSuggestions`, async () => {
        const bad = spec('bad-settings', braninParameters, settings);
        const validateError = await expectCallError(server.client.validate({ experiment: bad }));
        assert.equal(validateError.code, grpc.status.INVALID_ARGUMENT);
        assert.match(validateError.details, message);
        const suggestError = await expectCallError(server.client.getSuggestions(suggestionsRequest(bad, [], 1)));
        assert.equal(suggestError.code, grpc.status.INVALID_ARGUMENT);
        assert.match(suggestError.details, message);
      });
    }
  });

  it('proposes in-space values for every parameter kind once the GP is in charge', async () => {
    const trials = await grow('kinds', mixedParameters, { n_initial_points: '4' }, 3, 3, mixedLoss);
    const reply = await server.client.getSuggestions(suggestionsRequest(spec('kinds', mixedParameters, { n_initial_points: '4' }), trials, 4));
    for (const a of assignmentsOf(reply)) {
      const number = (name: string) => Number(a[name]);
      assert.ok(number('lr') >= 0.0001 && number('lr') <= 0.1, a['lr']);
      assert.ok(number('momentum') >= -0.5 && number('momentum') <= 0.9, a['momentum']);
      assert.ok(Math.abs((number('ratio') - 0.1) / 0.05 - Math.round((number('ratio') - 0.1) / 0.05)) < 1e-9 && number('ratio') <= 0.5, a['ratio']);
      assert.ok(number('centre') >= 0 && number('centre') <= 10, a['centre']);
      assert.match(a['layers']!, /^[1-6]$/);
      assert.match(a['width']!, /^\d+$/);
      assert.ok(number('width') >= 16 && number('width') <= 1024, a['width']);
      assert.ok(['0', '0.1', '0.25', '0.5'].includes(a['dropout']!), a['dropout']);
      assert.ok(['sgd', 'adam', 'rmsprop'].includes(a['optimizer']!), a['optimizer']);
    }
  });

  it('spreads a batch out around pending trials and keeps it distinct from every trial', async () => {
    const settings = { n_initial_points: '5', acq_func: 'EI' };
    const completed = await grow('spread', braninParameters, settings, 4, 3, branin);
    // Three points beside the best trial are running.
    const best = completed.reduce((a, b) => (branin(assignmentOf(a)) < branin(assignmentOf(b)) ? a : b));
    const bestAssignment = assignmentOf(best);
    const pendingAssignments = [0.1, -0.1, 0.2].map((shift) => ({ x1: String(Number(bestAssignment['x1']) + shift), x2: String(Number(bestAssignment['x2']) - shift) }));
    const pending = pendingAssignments.map((a, i) => trial(`spread-pending-${i}`, a, 'RUNNING'));
    const trials = [...completed, ...pending];
    const reply = assignmentsOf(await server.client.getSuggestions(suggestionsRequest(spec('spread', braninParameters, settings), trials, 5)));
    const keys = new Set(trials.map((t) => assignmentKey(assignmentOf(t))));
    assert.equal(new Set(reply.map(assignmentKey)).size, 5);
    assert.ok(reply.every((a) => !keys.has(assignmentKey(a))));
    // In units of each range, no two points of the batch (or a batch point and a pending one) coincide.
    const scaled = (a: Record<string, string>) => [(Number(a['x1']) + 5) / 15, Number(a['x2']) / 15];
    const points = [...reply, ...pendingAssignments].map(scaled);
    for (let i = 0; i < reply.length; i++) {
      for (let j = i + 1; j < points.length; j++) {
        const distance = Math.hypot(points[i]![0]! - points[j]![0]!, points[i]![1]! - points[j]![1]!);
        assert.ok(distance > 0.01, `batch point ${i} lies ${distance} from point ${j}`);
      }
    }
  });

  it('never proposes the point of a failed trial again, and fills a small space without repeats', async () => {
    const parameters = [intParameter('n', '1', '4'), categoricalParameter('c', ['a', 'b'])];
    const settings = { n_initial_points: '2' };
    const states: Condition[] = ['SUCCEEDED', 'FAILED', 'SUCCEEDED', 'RUNNING', 'FAILED'];
    const values = [{ n: '1', c: 'a' }, { n: '4', c: 'b' }, { n: '2', c: 'a' }, { n: '3', c: 'a' }, { n: '4', c: 'a' }];
    const trials = values.map((a, i) => trial(`small-${i}`, a, states[i]!, states[i] === 'SUCCEEDED' ? String(Number(a.n)) : undefined));
    const reply = assignmentsOf(await server.client.getSuggestions(suggestionsRequest(spec('small', parameters, settings), trials, 3)));
    const taken = new Set(values.map(assignmentKey));
    const keys = reply.map(assignmentKey);
    assert.equal(new Set(keys).size, 3);
    assert.ok(keys.every((key) => !taken.has(key)));
  });

  it('copes with constant losses, repeated assignments and extreme values', async () => {
    const parameters = [doubleParameter('x', '0', '1'), intParameter('n', '1', '3')];
    const settings = { n_initial_points: '2' };
    const points = [['0.2', '1'], ['0.5', '2'], ['0.9', '3'], ['0.4', '1']] as const;
    for (const losses of [['1', '1', '1', '1'], ['1e300', '-1e300', '0', '5e-324'], ['3', '3', '-2', '7']]) {
      // The same assignment twice, as a controller retry can leave behind.
      const trials = [...points, points[0]].map(([x, n], i) => trial(`edge-${i}`, { x, n }, 'SUCCEEDED', losses[i % losses.length]!));
      const reply = assignmentsOf(await server.client.getSuggestions(suggestionsRequest(spec('edge', parameters, settings), trials, 3)));
      assert.equal(reply.length, 3);
      for (const a of reply) {
        assert.ok(Number(a['x']) >= 0 && Number(a['x']) <= 1, `${losses}: x ${a['x']}`);
        assert.match(a['n']!, /^[1-3]$/);
      }
    }
  });

  it('answers a repeated request identically, and follows random_state across experiment names', async () => {
    const settings = { n_initial_points: '3', random_state: '11' };
    const trials = await grow('repeat', braninParameters, settings, 3, 2, branin);
    const request = suggestionsRequest(spec('repeat', braninParameters, settings), trials, 3);
    const first = assignmentsOf(await server.client.getSuggestions(request));
    assert.deepEqual(assignmentsOf(await server.client.getSuggestions(request)), first);
    const renamed = suggestionsRequest(spec('renamed', braninParameters, settings), trials, 3);
    assert.deepEqual(assignmentsOf(await server.client.getSuggestions(renamed)), first);
    const otherSeed = suggestionsRequest(spec('repeat', braninParameters, { ...settings, random_state: '12' }), trials, 3);
    assert.notDeepEqual(assignmentsOf(await server.client.getSuggestions(otherSeed)), first);
  });

  it('answers past its model limits (1,100 completed, 200 running, a batch of 80) with distinct, new, in-space assignments, the same each time', async () => {
    // A fixed pseudo-random walk, so the request is the same on every run.
    let state = 7;
    const next = () => (state = (state * 48271) % 2147483647) / 2147483647;
    const trials = Array.from({ length: 1300 }, (_, i) => {
      const a = { x1: String(-5 + 15 * next()), x2: String(15 * next()) };
      return i < 1100 ? trial(`wide-${i}`, a, 'SUCCEEDED', String(branin(a))) : trial(`wide-${i}`, a, 'RUNNING');
    });
    const request = suggestionsRequest(spec('wide', braninParameters), trials, 80);
    const reply = assignmentsOf(await server.client.getSuggestions(request));
    const taken = new Set(trials.map((t) => assignmentKey(assignmentOf(t))));
    assert.equal(new Set(reply.map(assignmentKey)).size, 80);
    for (const a of reply) {
      assert.ok(!taken.has(assignmentKey(a)), `${assignmentKey(a)} repeats a trial`);
      assert.ok(Number(a['x1']) >= -5 && Number(a['x1']) <= 10 && Number(a['x2']) >= 0 && Number(a['x2']) <= 15, assignmentKey(a));
    }
    assert.deepEqual(assignmentsOf(await server.client.getSuggestions(request)), reply);
  });

  it('covers the space with its initial design: the first points fall in distinct quarters of each axis', async () => {
    const trials: Trial[] = [];
    for (const batch of [1, 2, 1]) {
      const reply = await server.client.getSuggestions(suggestionsRequest(spec('design', braninParameters), trials, batch));
      for (const a of assignmentsOf(reply)) trials.push(trial(`design-${trials.length}`, a, 'RUNNING'));
    }
    const quarters = (name: string, min: number) => new Set(trials.map((t) => Math.floor((Number(assignmentOf(t)[name]) - min) / 3.75)));
    assert.equal(quarters('x1', -5).size, 4);
    assert.equal(quarters('x2', 0).size, 4);
  });

  it('beats random search on a smooth 2-D function: median best after 25 trials over 5 seeds', async () => {
    const { randomSearch } = await import('../../services/random/random-search.js');
    const random = await startSuggestionServer([randomSearch]);
    try {
      const bests: Record<string, number[]> = { [BO]: [], random: [] };
      for (let seed = 0; seed < 5; seed++) {
        for (const [algorithm, target] of [[BO, server], ['random', random]] as const) {
          const { values } = await runSequentialExperiment({
            suggest: (request) => target.client.getSuggestions(request),
            experiment: experiment({ name: `quality-${seed}`, algorithm, parameters: braninParameters, settings: { random_state: String(seed) } }),
            objective: branin,
            trialCount: 25,
            batch: 1,
          });
          bests[algorithm]!.push(Math.min(...values));
        }
      }
      const [bo, baseline] = [median(bests[BO]!), median(bests['random']!)];
      assert.ok(bo < baseline, `median best: bayesianoptimization ${bo}, random ${baseline}`);
      // Random search rarely gets within 0.1 of Branin's minimum in 25 trials; the GP should.
      assert.ok(bo - 0.397887 < 0.1, `median regret ${bo - 0.397887}`);
    } finally {
      await random.close();
    }
  });
});
