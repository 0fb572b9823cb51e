import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { AnySuggestionAlgorithm } from '../../shared/algorithm/suggestion-algorithm.js';
import type { ParameterSpec } from '../../shared/wire/generated/api/v1/beta1/ParameterSpec.js';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';
import { expectCallError, grpc } from './clients.js';
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
} from './requests.js';
import { startSuggestionServer, type RunningSuggestionServer } from './suggestion-server.js';

export interface ConformanceOptions {
  /** Settings sent with every experiment (e.g. a small n_startup_trials so the model runs, not only start-up). */
  settings?: Record<string, string>;
  /** The algorithm needs a step on DOUBLE parameters (grid). */
  needsFiniteSpace?: boolean;
  /**
   * A parameter the algorithm needs in every experiment (hyperband's budget, named by its settings): added to
   * every experiment and trial the suite builds, its values checked to be numbers.
   */
  budgetParameter?: ParameterSpec;
  /** Settings for the small finite spaces the suite exhausts, when the budget must take a single value there. */
  finiteSpaceSettings?: Record<string, string>;
}

/** Every parameter kind and distribution, with the rules a value must obey to be in the space. */
function everyKindOfParameter(needsFiniteSpace: boolean): { parameters: ParameterSpec[]; check(name: string, value: string): void } {
  const continuous = needsFiniteSpace ? { step: '0.05' } : {};
  const parameters = [
    doubleParameter('uniform_double', '-1.5', '2.5', continuous),
    doubleParameter('log_double', '0.0001', '0.1', { distribution: 'LOG_UNIFORM', ...(needsFiniteSpace ? { step: '0.0001' } : {}) }),
    doubleParameter('normal_double', '0', '10', { distribution: 'NORMAL', ...(needsFiniteSpace ? { step: '0.5' } : {}) }),
    doubleParameter('stepped_double', '0.01', '0.05', { step: '0.005' }),
    intParameter('int', '-3', '7'),
    intParameter('log_int', '1', '1024', { distribution: 'LOG_UNIFORM' }),
    intParameter('lognormal_int', '32', '64', { distribution: 'LOG_NORMAL', step: '4' }),
    discreteParameter('discrete', ['0.5', '0.1', '0.25']),
    categoricalParameter('categorical', ['adam', 'sgd', 'rmsprop']),
  ];
  const inRange = (value: string, min: number, max: number): number => {
    const number = Number(value);
    assert.ok(Number.isFinite(number) && number >= min - 1e-12 && number <= max + 1e-12, `${value} not in [${min}, ${max}]`);
    return number;
  };
  const onLattice = (number: number, min: number, step: number): void => {
    const steps = (number - min) / step;
    assert.ok(Math.abs(steps - Math.round(steps)) < 1e-6, `${number} is not on the lattice ${min} + k * ${step}`);
  };
  return {
    parameters,
    check(name, value) {
      switch (name) {
        case 'uniform_double':
          onLatticeIf(needsFiniteSpace, () => onLattice(inRange(value, -1.5, 2.5), -1.5, 0.05), () => inRange(value, -1.5, 2.5));
          break;
        case 'log_double':
          inRange(value, 0.0001, 0.1);
          break;
        case 'normal_double':
          inRange(value, 0, 10);
          break;
        case 'stepped_double':
          onLattice(inRange(value, 0.01, 0.05), 0.01, 0.005);
          break;
        case 'int':
          assert.match(value, /^-?\d+$/);
          inRange(value, -3, 7);
          break;
        case 'log_int':
          assert.match(value, /^\d+$/);
          inRange(value, 1, 1024);
          break;
        case 'lognormal_int':
          assert.match(value, /^\d+$/);
          onLattice(inRange(value, 32, 64), 32, 4);
          break;
        case 'discrete':
          assert.ok(['0.5', '0.1', '0.25'].includes(value), value);
          break;
        case 'categorical':
          assert.ok(['adam', 'sgd', 'rmsprop'].includes(value), value);
          break;
        default:
          assert.fail(`unexpected parameter ${name}`);
      }
    },
  };
}

function onLatticeIf(condition: boolean, whenTrue: () => void, whenFalse: () => void): void {
  if (condition) whenTrue();
  else whenFalse();
}

/**
 * The cases every suggestion algorithm must pass through a real gRPC server: all parameter kinds and
 * distributions, determinism across servers, distinct batches with pending trials, empty and pending-only
 * histories, garbage metrics, exhaustion of a small space, and the bad-input list with the server still healthy.
 */
export function runConformanceSuite(algorithm: AnySuggestionAlgorithm, options: ConformanceOptions = {}): void {
  const settings = options.settings ?? {};
  const budget = options.budgetParameter;
  const withBudget = (parameters: ParameterSpec[]): ParameterSpec[] => (budget === undefined || parameters.length === 0 ? parameters : [...parameters, budget]);
  const budgetValue = (assignment: Record<string, string>): Record<string, string> => (budget === undefined ? assignment : { ...assignment, [budget.name!]: budget.feasible_space!.min! });
  const kinds = everyKindOfParameter(options.needsFiniteSpace ?? false);
  const space = {
    parameters: withBudget(kinds.parameters),
    check(name: string, value: string) {
      if (name === budget?.name) assert.ok(Number.isFinite(Number(value)), `budget ${value}`);
      else kinds.check(name, value);
    },
  };
  const spec = (name: string, objective: 'MINIMIZE' | 'MAXIMIZE' = 'MINIMIZE') =>
    experiment({ name, algorithm: algorithm.name, settings, parameters: space.parameters, objective, parallelTrialCount: 4 });

  describe(`conformance of ${algorithm.name}`, () => {
    let server: RunningSuggestionServer;
    before(async () => {
      server = await startSuggestionServer([algorithm]);
    });
    after(async () => {
      await server.close();
    });

    /** Runs `rounds` calls of `batch`, feeding replies back as trials (the last batch left running). */
    async function grow(name: string, rounds: number, batch: number, objective: 'MINIMIZE' | 'MAXIMIZE' = 'MINIMIZE'): Promise<Trial[]> {
      const trials: Trial[] = [];
      for (let round = 0; round < rounds; round++) {
        const reply = await server.client.getSuggestions(suggestionsRequest(spec(name, objective), trials, batch));
        for (const [index, assignment] of assignmentsOf(reply).entries()) {
          const value = Object.values(assignment).reduce((sum, v) => sum + (Number(v) || v.length), 0);
          trials.push(trial(`${name}-${trials.length}`, assignment, index === 0 ? 'RUNNING' : 'SUCCEEDED', index === 0 ? undefined : String(value)));
        }
        for (const t of trials) if (t.status?.condition === 'RUNNING') t.status = { condition: 'SUCCEEDED', observation: { metrics: [{ name: 'loss', value: '1' }] } };
      }
      return trials;
    }

    it('validates its experiment', async () => {
      await server.client.validate({ experiment: spec('validate') });
    });

    it('returns in-space values for every parameter kind and distribution, with and without history', async () => {
      const trials = await grow('kinds', 8, 3);
      const reply = await server.client.getSuggestions(suggestionsRequest(spec('kinds'), trials, 5));
      for (const assignment of [...assignmentsOf(reply), ...trials.map(assignmentOf)]) {
        assert.deepEqual(Object.keys(assignment).sort(), space.parameters.map((p) => p.name!).sort());
        for (const [name, value] of Object.entries(assignment)) space.check(name, value);
      }
    });

    it('optimises a MAXIMIZE objective too', async () => {
      const trials = await grow('maximize', 4, 3, 'MAXIMIZE');
      const reply = await server.client.getSuggestions(suggestionsRequest(spec('maximize', 'MAXIMIZE'), trials, 2));
      assert.equal(reply.parameter_assignments.length, 2);
    });

    it('answers the same request with the same reply, on this server and on a fresh one', async () => {
      const trials = await grow('determinism', 5, 2);
      const request = suggestionsRequest(spec('determinism'), trials, 3);
      const first = await server.client.getSuggestions(request);
      const again = await server.client.getSuggestions(request);
      const fresh = await startSuggestionServer([algorithm]);
      try {
        assert.deepEqual(assignmentsOf(again), assignmentsOf(first));
        assert.deepEqual(assignmentsOf(await fresh.client.getSuggestions(request)), assignmentsOf(first));
      } finally {
        await fresh.close();
      }
    });

    it('gives the next request of the experiment different assignments', async () => {
      const trials = await grow('progress', 4, 2);
      const first = assignmentsOf(await server.client.getSuggestions(suggestionsRequest(spec('progress'), trials, 2)));
      const grown = [...trials, ...first.map((a, i) => trial(`progress-next-${i}`, a, 'RUNNING'))];
      const next = assignmentsOf(await server.client.getSuggestions(suggestionsRequest(spec('progress'), grown, 2)));
      const before = new Set(first.map(assignmentKey));
      assert.ok(next.every((a) => !before.has(assignmentKey(a))));
    });

    it('keeps a batch distinct from itself and from every trial, pending ones included', async () => {
      const trials = await grow('distinct', 6, 3);
      trials.push(...(await grow('distinct-pending', 1, 4)).map((t) => ({ ...t, status: { condition: 'RUNNING' as const } })));
      const reply = await server.client.getSuggestions(suggestionsRequest(spec('distinct'), trials, 8));
      const keys = assignmentsOf(reply).map(assignmentKey);
      assert.equal(new Set(keys).size, 8);
      const existing = new Set(trials.map((t) => assignmentKey(assignmentOf(t))));
      assert.ok(keys.every((key) => !existing.has(key)));
    });

    it('serves an experiment whose trials are all still running', async () => {
      const running = (await grow('pending-only', 1, 3)).map((t) => ({ ...t, status: { condition: 'RUNNING' as const } }));
      const reply = await server.client.getSuggestions(suggestionsRequest(spec('pending-only'), running, 3));
      assert.equal(reply.parameter_assignments.length, 3);
    });

    it('counts trials with garbage or missing metrics as failed instead of failing the call', async () => {
      const trials = await grow('garbage', 4, 3);
      trials[0]!.status = { condition: 'SUCCEEDED', observation: { metrics: [{ name: 'loss', value: 'nan' }] } };
      trials[1]!.status = { condition: 'SUCCEEDED', observation: { metrics: [{ name: 'loss', value: 'not a number' }] } };
      trials[2]!.status = { condition: 'EARLYSTOPPED' };
      trials[3]!.status = { condition: 'FAILED' };
      const reply = await server.client.getSuggestions(suggestionsRequest(spec('garbage'), trials, 2));
      assert.equal(reply.parameter_assignments.length, 2);
    });

    it('fills a small finite space without repeats, then re-evaluates its best assignment instead of failing', async () => {
      const small = experiment({
        name: 'small',
        algorithm: algorithm.name,
        settings: options.finiteSpaceSettings ?? settings,
        parameters: withBudget([categoricalParameter('a', ['x', 'y']), categoricalParameter('b', ['1', '2', '3'])]),
      });
      const trials: Trial[] = [];
      const seen = new Set<string>();
      for (const batch of [2, 1, 2, 1]) {
        const reply = await server.client.getSuggestions(suggestionsRequest(small, trials, batch));
        for (const assignment of assignmentsOf(reply)) {
          const key = assignmentKey(assignment);
          assert.ok(!seen.has(key), `repeated ${key}`);
          seen.add(key);
          const pending = trials.length % 2 === 0;
          trials.push(trial(`small-${trials.length}`, assignment, pending ? 'RUNNING' : 'SUCCEEDED', pending ? undefined : String(trials.length)));
        }
      }
      assert.equal(seen.size, 6);
      // Katib would retry an error for ever: the best completed trial (the lowest loss, trial 1) runs again.
      const again = assignmentsOf(await server.client.getSuggestions(suggestionsRequest(small, trials, 2)));
      const best = assignmentOf(trials.filter((t) => t.status!.condition === 'SUCCEEDED').sort((a, b) => Number(a.status!.observation!.metrics![0]!.value) - Number(b.status!.observation!.metrics![0]!.value))[0]!);
      assert.deepEqual(again[0], best);
      assert.equal(again.length, 2);
    });

    it('runs what Katib admits and the stock services run: a log-scale min of 0, repeated list values, a DISCRETE list of words', async () => {
      const admitted = experiment({
        name: 'admitted',
        algorithm: algorithm.name,
        settings,
        parameters: withBudget([
          intParameter('units', '0', '8', { distribution: 'LOG_UNIFORM' }),
          categoricalParameter('activation', ['relu', 'tanh', 'relu']),
          discreteParameter('scale', ['1', '1.0', '2']),
          discreteParameter('size', ['small', 'large']),
        ]),
      });
      await server.client.validate({ experiment: admitted });
      // The trial spelt 1.0 holds the choice written first as "1".
      const trials = [trial('admitted-0', budgetValue({ units: '0', activation: 'relu', scale: '1.0', size: 'small' }), 'SUCCEEDED', '1')];
      const seen = new Set<string>();
      for (const count of [3, 3]) {
        for (const assignment of assignmentsOf(await server.client.getSuggestions(suggestionsRequest(admitted, trials, count)))) {
          assert.ok(Number(assignment['units']) >= 1 && Number(assignment['units']) <= 8, JSON.stringify(assignment));
          assert.ok(['relu', 'tanh'].includes(assignment['activation']!), JSON.stringify(assignment));
          assert.ok(['1', '2'].includes(assignment['scale']!), JSON.stringify(assignment));
          assert.ok(['small', 'large'].includes(assignment['size']!), JSON.stringify(assignment));
          const key = assignmentKey(assignment);
          const isFirstTrial =
            assignment['units'] === '1' && assignment['activation'] === 'relu' && assignment['scale'] === '1' && assignment['size'] === 'small' &&
            (budget === undefined || assignment[budget.name!] === budget.feasible_space!.min);
          assert.ok(!seen.has(key) && !isFirstTrial, key);
          seen.add(key);
          trials.push(trial(`admitted-${trials.length}`, assignment, 'SUCCEEDED', String(trials.length)));
        }
      }
    });

    describe('rejects bad input with INVALID_ARGUMENT naming the problem, and stays healthy', () => {
      const good = (): ReturnType<typeof spec> => spec('bad-input');
      const withParameters = (parameters: ParameterSpec[]) => ({ ...good(), spec: { ...good().spec, parameter_specs: { parameters: withBudget(parameters) } } });
      const cases: [string, () => Parameters<typeof server.client.getSuggestions>[0], RegExp][] = [
        ['missing experiment', () => ({ trials: [], current_request_number: 1, total_request_number: 1 }), /experiment/],
        ['missing spec', () => suggestionsRequest({ name: 'x' }, [], 1), /spec/],
        ['no parameters', () => suggestionsRequest(withParameters([]), [], 1), /parameters/],
        ['duplicate names', () => suggestionsRequest(withParameters([intParameter('a', '1', '2'), intParameter('a', '1', '3')]), [], 1), /"a".*twice/],
        ['unknown type', () => suggestionsRequest(withParameters([{ name: 'a', parameter_type: 'UNKNOWN_TYPE', feasible_space: { min: '1', max: '2' } }]), [], 1), /parameter_type/],
        ['min not a number', () => suggestionsRequest(withParameters([doubleParameter('a', 'abc', '2', { step: '0.5' })]), [], 1), /min "abc"/],
        ['max not a number', () => suggestionsRequest(withParameters([doubleParameter('a', '1', '', { step: '0.5' })]), [], 1), /max ""/],
        ['min > max', () => suggestionsRequest(withParameters([intParameter('a', '5', '2')]), [], 1), /greater than max/],
        ['int bounds not integers', () => suggestionsRequest(withParameters([intParameter('a', '1.5', '4')]), [], 1), /not an integer/],
        ['step <= 0', () => suggestionsRequest(withParameters([intParameter('a', '1', '4', { step: '0' })]), [], 1), /step "0"/],
        ['step not a number', () => suggestionsRequest(withParameters([doubleParameter('a', '1', '4', { step: 'x' })]), [], 1), /step "x"/],
        ['log without a value above 0', () => suggestionsRequest(withParameters([intParameter('a', '-3', '0', { distribution: 'LOG_UNIFORM' })]), [], 1), /values above 0.*max >= 1/],
        ['log double without a value above 0', () => suggestionsRequest(withParameters([doubleParameter('a', '-1', '0', { distribution: 'LOG_NORMAL', step: '0.5' })]), [], 1), /values above 0/],
        ['empty discrete list', () => suggestionsRequest(withParameters([discreteParameter('a', [])]), [], 1), /list is empty/],
        ['empty categorical list', () => suggestionsRequest(withParameters([categoricalParameter('a', [])]), [], 1), /list is empty/],
        ['zero requested', () => suggestionsRequest(good(), [], 0), /current_request_number 0/],
        ['negative requested', () => suggestionsRequest(good(), [], -2), /current_request_number -2/],
        ['absurdly many requested', () => suggestionsRequest(good(), [], 10_001), /current_request_number 10001/],
        ['unknown setting', () => suggestionsRequest({ ...good(), spec: { ...good().spec, algorithm: { algorithm_name: algorithm.name, algorithm_settings: [{ name: 'no_such_setting', value: '1' }] } } }, [], 1), /no_such_setting/],
        ['unknown algorithm', () => suggestionsRequest({ ...good(), spec: { ...good().spec, algorithm: { algorithm_name: 'no-such-algorithm' } } }, [], 1), /no-such-algorithm/],
        ['trial with an unknown parameter', () => suggestionsRequest(good(), [trial('t1', { nope: '1' }, 'RUNNING')], 1), /"nope"/],
        ['trial value outside the space', () => suggestionsRequest(withParameters([intParameter('a', '1', '4')]), [trial('t1', budgetValue({ a: '9' }), 'RUNNING')], 1), /"9"/],
        ['missing objective metric name', () => suggestionsRequest({ ...good(), spec: { ...good().spec, objective: { type: 'MINIMIZE', objective_metric_name: '' } } }, [], 1), /objective_metric_name/],
      ];
      for (const [name, request, message] of cases) {
        it(name, async () => {
          const built = request();
          const getError = await expectCallError(server.client.getSuggestions(built));
          assert.equal(getError.code, grpc.status.INVALID_ARGUMENT, getError.details);
          assert.match(getError.details, message);
          if (built.experiment && !/requested|trial/.test(name)) {
            const validateError = await expectCallError(server.client.validate({ experiment: built.experiment }));
            assert.equal(validateError.code, grpc.status.INVALID_ARGUMENT, validateError.details);
            assert.match(validateError.details, message);
          }
          assert.equal(await server.client.healthCheck('manager.v1beta1.Suggestion'), 'SERVING');
          const reply = await server.client.getSuggestions(suggestionsRequest(good(), [], 1));
          assert.equal(reply.parameter_assignments.length, 1);
        });
      }
    });
  });
}

