import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gridSearch } from '../../services/grid/grid-search.js';
import type { GetSuggestionsRequest__Output } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { ParameterSpec } from '../../shared/wire/generated/api/v1/beta1/ParameterSpec.js';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';
import { expectCallError, grpc } from '../support/clients.js';
import { katibPackageDefinition } from '../../shared/wire/katib-api.js';
import { FIXTURES_DIR } from '../support/repo-paths.js';
import {
  assignmentOf,
  assignmentsOf,
  categoricalParameter,
  discreteParameter,
  doubleParameter,
  experiment,
  intParameter,
  suggestionsRequest,
  trial,
  type Condition,
} from '../support/requests.js';
import { startSuggestionServer, type RunningSuggestionServer } from '../support/suggestion-server.js';

/** Every combination of `values`, the first parameter varying slowest: the order the grid promises. */
function cartesian(values: Record<string, string[]>): Record<string, string>[] {
  return Object.entries(values).reduce<Record<string, string>[]>(
    (combinations, [name, options]) => combinations.flatMap((combination) => options.map((value) => ({ ...combination, [name]: value }))),
    [{}],
  );
}

/** A fixture request decoded by the very codec the server applies to what arrives on the wire. */
function fixtureSuggestionsRequest(file: string): GetSuggestionsRequest__Output {
  const codec = katibPackageDefinition['api.v1.beta1.Suggestion'] as unknown as {
    GetSuggestions: { requestDeserialize(bytes: Buffer): GetSuggestionsRequest__Output };
  };
  return codec.GetSuggestions.requestDeserialize(readFileSync(join(FIXTURES_DIR, file)));
}

function gridExperiment(parameters: ParameterSpec[], options: { maxTrialCount?: number; settings?: Record<string, string> } = {}) {
  return experiment({ name: 'grid-test', algorithm: 'grid', parameters, ...options });
}

function trialsOf(assignments: readonly Record<string, string>[], condition: Condition = 'SUCCEEDED', prefix = 'grid-test'): Trial[] {
  return assignments.map((assignment, index) =>
    trial(`${prefix}-${index}`, assignment, condition, condition === 'SUCCEEDED' ? String(index) : undefined),
  );
}

describe('grid service over gRPC', () => {
  let server: RunningSuggestionServer;
  before(async () => {
    server = await startSuggestionServer([gridSearch]);
  });
  after(async () => {
    await server.close();
  });

  async function suggest(parameters: ParameterSpec[], trials: Trial[], count: number) {
    return assignmentsOf(await server.client.getSuggestions(suggestionsRequest(gridExperiment(parameters), trials, count)));
  }

  async function expectError(call: Promise<unknown>, code: grpc.status, ...fragments: string[]): Promise<void> {
    const error = await expectCallError(call);
    assert.equal(error.code, code, error.details);
    for (const fragment of fragments) assert.ok(error.details.includes(fragment), `${JSON.stringify(fragment)} not in: ${error.details}`);
  }

  it('keeps the last point of a DOUBLE lattice despite floating-point error (0.01..0.05 by 0.01 has 5)', async () => {
    const parameters = [doubleParameter('lr', '0.01', '0.05', { step: '0.01' })];
    assert.deepEqual(await suggest(parameters, [], 5), cartesian({ lr: ['0.01', '0.02', '0.03', '0.04', '0.05'] }));
    // A sixth point does not exist: the reply repeats one (no trial has a loss, so the batch's first point).
    assert.deepEqual((await suggest(parameters, [], 6)).map((a) => a['lr']), ['0.01', '0.02', '0.03', '0.04', '0.05', '0.01']);
  });

  it('enumerates the fixture grid exactly once over repeated calls, around the trials it already has', async () => {
    const request = fixtureSuggestionsRequest('grid.get-suggestions.bin');
    const trials: Trial[] = [...request.trials];
    const grid = cartesian({
      lr: ['0.01', '0.015', '0.02', '0.025', '0.03', '0.035', '0.04', '0.045', '0.05'],
      momentum: ['0.5', '0.6', '0.7', '0.8', '0.9'],
    });
    // The fixture's five trials sit on the lattice, as Katib's trials of a grid experiment do; each holds its point.
    const occupied = new Set(['0.025/0.6', '0.04/0.8', '0.015/0.5', '0.03/0.7', '0.045/0.8']);
    const key = (combination: Record<string, string>) => `${combination['lr']}/${combination['momentum']}`;
    const expected = grid.filter((combination) => !occupied.has(key(combination)));
    const handedOut: Record<string, string>[] = [];
    // Assignments handed out before the fixture's call: total_request_number counts the call's own request too.
    let total = request.total_request_number - request.current_request_number;
    while (handedOut.length < expected.length) {
      const count = Math.min(request.current_request_number, expected.length - handedOut.length);
      total += count;
      const batch = assignmentsOf(await server.client.getSuggestions({ ...request, trials, current_request_number: count, total_request_number: total }));
      handedOut.push(...batch);
      // Half of each batch keeps running, as under a real controller; running trials hold their combination too.
      batch.forEach((assignment, index) =>
        trials.push(trial(`grid-next-${trials.length}`, assignment, index % 2 === 0 ? 'RUNNING' : 'SUCCEEDED', index % 2 === 0 ? undefined : '0.3')),
      );
    }
    assert.deepEqual(handedOut, expected);
    // The grid is used up: the best completed combination (the fixture's lowest loss, or 0.3) comes round again.
    const [again] = assignmentsOf(await server.client.getSuggestions({ ...request, trials, current_request_number: 1, total_request_number: total + 1 }));
    const succeeded = trials.filter((t) => t.name!.startsWith('grid-next') && t.status?.condition === 'SUCCEEDED').map((t) => key(assignmentOf(t)));
    const completedKeys = new Set([...occupied, ...succeeded]);
    assert.ok(completedKeys.has(key(again!)), JSON.stringify(again));
  });

  it('orders a mixed INT/DOUBLE/CATEGORICAL/DISCRETE grid by the spec, first parameter slowest', async () => {
    const parameters = [
      categoricalParameter('optimizer', ['sgd', 'adam']),
      intParameter('layers', '1', '5', { step: '2' }),
      discreteParameter('batch', ['64', '16', '32']),
      doubleParameter('dropout', '0.1', '0.3', { step: '0.1' }),
    ];
    const grid = cartesian({ optimizer: ['sgd', 'adam'], layers: ['1', '3', '5'], batch: ['16', '32', '64'], dropout: ['0.1', '0.2', '0.3'] });
    assert.deepEqual(await suggest(parameters, [], grid.length), grid);
  });

  it('skips the combinations trials hold in any state and continues in order', async () => {
    const parameters = [intParameter('a', '0', '2'), categoricalParameter('b', ['x', 'y'])];
    const trials = [
      trial('t0', { a: '0', b: 'x' }, 'FAILED'),
      trial('t1', { a: '0', b: 'y' }, 'KILLED'),
      trial('t2', { a: '1', b: 'y' }, 'RUNNING'),
      trial('t3', { a: '2', b: 'x' }, 'CREATED'),
      trial('t4', { a: '1', b: 'x' }, 'EARLYSTOPPED', '0.5'),
    ];
    assert.deepEqual(await suggest(parameters, trials, 1), [{ a: '2', b: 'y' }]);
  });

  it('gives every distribution the same grid points', async () => {
    const values = (distribution: string) => suggest([doubleParameter('lr', '1', '9', { step: '2', distribution })], [], 5);
    const uniform = await values('UNIFORM');
    assert.deepEqual(uniform, cartesian({ lr: ['1', '3', '5', '7', '9'] }));
    for (const distribution of ['LOG_UNIFORM', 'NORMAL', 'LOG_NORMAL']) assert.deepEqual(await values(distribution), uniform, distribution);
  });

  it('counts a one-value parameter, min == max, and a stepless DOUBLE with min == max as one value each', async () => {
    const parameters = [
      categoricalParameter('only', ['solo']),
      doubleParameter('fixed', '0.5', '0.5'),
      intParameter('n', '7', '7'),
      intParameter('k', '1', '2'),
    ];
    assert.deepEqual(await suggest(parameters, [], 2), [
      { only: 'solo', fixed: '0.5', n: '7', k: '1' },
      { only: 'solo', fixed: '0.5', n: '7', k: '2' },
    ]);
    await server.client.validate({ experiment: gridExperiment(parameters, { maxTrialCount: 2 }) });
    assert.equal((await suggest(parameters, [], 3)).length, 3);
  });

  it('rejects a DOUBLE without a step, saying a grid needs one, in Validate and GetSuggestions', async () => {
    const parameters = [intParameter('n', '1', '3'), doubleParameter('lr', '0.01', '0.05')];
    await expectError(server.client.validate({ experiment: gridExperiment(parameters) }), grpc.status.INVALID_ARGUMENT, '"lr"', 'a grid needs a step');
    await expectError(server.client.getSuggestions(suggestionsRequest(gridExperiment(parameters), [], 1)), grpc.status.INVALID_ARGUMENT, '"lr"', 'a grid needs a step');
  });

  it('rejects a max_trial_count above the grid size with both numbers, and accepts it equal or unset', async () => {
    const parameters = [intParameter('n', '1', '3'), categoricalParameter('c', ['a', 'b'])];
    await expectError(
      server.client.validate({ experiment: gridExperiment(parameters, { maxTrialCount: 7 }) }),
      grpc.status.INVALID_ARGUMENT,
      'max_trial_count 7',
      'has 6 combinations',
    );
    await server.client.validate({ experiment: gridExperiment(parameters, { maxTrialCount: 6 }) });
    await server.client.validate({ experiment: gridExperiment(parameters) });
  });

  it('keeps serving a running Experiment whose max_trial_count was raised past the grid, until the grid is exhausted', async () => {
    const parameters = [intParameter('n', '1', '3'), categoricalParameter('c', ['a', 'b'])];
    const raised = gridExperiment(parameters, { maxTrialCount: 10 });
    assert.equal((await server.client.getSuggestions(suggestionsRequest(raised, [], 6))).parameter_assignments.length, 6);
  });

  it('accepts random_state without changing the order, and rejects any other setting', async () => {
    const parameters = [intParameter('n', '1', '4')];
    const seeded = gridExperiment(parameters, { settings: { random_state: '42' } });
    await server.client.validate({ experiment: seeded });
    assert.deepEqual(assignmentsOf(await server.client.getSuggestions(suggestionsRequest(seeded, [], 3))), await suggest(parameters, [], 3));
    await expectError(
      server.client.validate({ experiment: gridExperiment(parameters, { settings: { shuffle: 'true' } }) }),
      grpc.status.INVALID_ARGUMENT,
      '"shuffle"',
      'random_state',
    );
    await expectError(
      server.client.validate({ experiment: gridExperiment(parameters, { settings: { random_state: '-1' } }) }),
      grpc.status.INVALID_ARGUMENT,
      '"random_state"',
      '"-1"',
    );
  });

  it('walks a 10^12-point grid without listing it', async () => {
    const parameters = ['a', 'b', 'c', 'd'].map((name) => intParameter(name, '1', '1000'));
    const trials = trialsOf([
      { a: '1', b: '1', c: '1', d: '1' },
      { a: '1', b: '1', c: '1', d: '3' },
      { a: '1000', b: '1000', c: '1000', d: '1000' },
      { a: '1', b: '1', c: '2', d: '1' },
    ]);
    assert.deepEqual(await suggest(parameters, trials, 3), [
      { a: '1', b: '1', c: '1', d: '2' },
      { a: '1', b: '1', c: '1', d: '4' },
      { a: '1', b: '1', c: '1', d: '5' },
    ]);
  });

  it('serves a grid with more combinations than a double counts exactly (10^18)', async () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    const parameters = names.map((name) => intParameter(name, '0', '999'));
    // Only the first and last parameters vary here; the others stay at 0.
    const combination = (first: string, last: string) =>
      Object.fromEntries(names.map((name, i) => [name, i === 0 ? first : i === names.length - 1 ? last : '0']));
    const trials = trialsOf([combination('0', '0'), combination('0', '1'), combination('999', '999'), combination('0', '3')]);
    assert.deepEqual(await suggest(parameters, trials, 2), [combination('0', '2'), combination('0', '4')]);
  });

  it('hands out exactly the lowest free indices of a 10^6-point grid under thousands of scattered trials', async () => {
    const side = 1000;
    const parameters = [intParameter('x', '0', String(side - 1)), intParameter('y', '0', String(side - 1))];
    const at = (index: number) => ({ x: String(Math.floor(index / side)), y: String(index % side) });
    // 2,000 trials on the indices below 3,000 that are not multiples of 3: the free indices are the multiples of 3
    // up to 2,997, then every index from 3,000 on.
    const used = Array.from({ length: 3_000 }, (_, index) => index).filter((index) => index % 3 !== 0);
    const expected = [...Array.from({ length: 1_000 }, (_, k) => 3 * k), 3_000, 3_001].map(at);
    assert.deepEqual(await suggest(parameters, trialsOf(used.map(at), 'RUNNING'), expected.length), expected);
  });
});
