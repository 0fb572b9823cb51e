import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlgorithmRegistry } from '../../shared/algorithm/algorithm-registry.js';
import { ServiceError, type ErrorKind } from '../../shared/errors/service-error.js';
import { getSuggestions } from '../../shared/suggestion/get-suggestions.js';
import { validateAlgorithmSettings } from '../../shared/suggestion/validate-algorithm-settings.js';
import type { GetSuggestionsRequest } from '../../shared/wire/messages.js';
import { gridSearch } from '../../services/grid/grid-search.js';
import {
  assignmentRecords,
  doubleParameter,
  extendedRequest,
  fixtureSuggestionsRequest,
  gridExperiment,
  intParameter,
  listParameter,
  suggestionsRequest,
  validateRequest,
} from './grid-requests.js';

/** In-process tests of grid search through the exact pipeline the server runs. */

const registry = new AlgorithmRegistry([gridSearch]);

function suggest(request: GetSuggestionsRequest): Record<string, string>[] {
  return assignmentRecords(getSuggestions(request, registry).reply);
}

function assertServiceError(run: () => unknown, kind: ErrorKind, ...fragments: string[]): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ServiceError, `expected a ServiceError, got ${String(error)}`);
    assert.equal(error.kind, kind, error.message);
    for (const fragment of fragments) assert.ok(error.message.includes(fragment), `${JSON.stringify(fragment)} not in: ${error.message}`);
    return true;
  });
}

/** Every combination of `values`, the first parameter varying slowest. */
function cartesian(values: Record<string, string[]>): Record<string, string>[] {
  return Object.entries(values).reduce<Record<string, string>[]>(
    (combinations, [name, options]) => combinations.flatMap((combination) => options.map((value) => ({ ...combination, [name]: value }))),
    [{}],
  );
}

test('a DOUBLE lattice keeps its last point despite floating-point error (0.01..0.05 by 0.01 has 5)', () => {
  const experiment = gridExperiment([doubleParameter('lr', '0.01', '0.05', '0.01')]);
  assert.deepEqual(suggest(suggestionsRequest(experiment, [], 5)), cartesian({ lr: ['0.01', '0.02', '0.03', '0.04', '0.05'] }));
  assertServiceError(() => suggest(suggestionsRequest(experiment, [], 6)), 'FAILED_PRECONDITION', 'has 5 distinct assignments');
});

test('the fixture grid is enumerated exactly once, around the trials it already has', () => {
  let request = fixtureSuggestionsRequest('grid');
  const grid = cartesian({
    lr: ['0.01', '0.015', '0.02', '0.025', '0.03', '0.035', '0.04', '0.045', '0.05'],
    momentum: ['0.5', '0.6', '0.7', '0.8', '0.9'],
  });
  // The fixture's five trials are off the lattice; each occupies the grid point nearest to it.
  const occupied = [
    { lr: '0.025', momentum: '0.6' },
    { lr: '0.04', momentum: '0.8' },
    { lr: '0.015', momentum: '0.5' },
    { lr: '0.03', momentum: '0.7' },
    { lr: '0.045', momentum: '0.8' },
  ];
  const handedOut: Record<string, string>[] = [];
  for (let call = 0; handedOut.length < grid.length - occupied.length; call++) {
    const count = Math.min(request.current_request_number, grid.length - occupied.length - handedOut.length);
    const batch = suggest({ ...request, current_request_number: count });
    handedOut.push(...batch);
    // Some trials of each batch keep running, as they would under a real controller.
    request = extendedRequest(
      request,
      batch.map((assignments, index) => ({ assignments, condition: index % 2 === 0 ? 'RUNNING' : 'SUCCEEDED' })),
      3,
    );
  }
  const key = (combination: Record<string, string>) => `${combination['lr']}/${combination['momentum']}`;
  const occupiedKeys = new Set(occupied.map(key));
  assert.deepEqual(handedOut, grid.filter((combination) => !occupiedKeys.has(key(combination))));
  assertServiceError(() => suggest(request), 'FAILED_PRECONDITION', 'it has 45 distinct assignments, 45 are used', '3 more were requested');
});

test('a mixed INT/DOUBLE/CATEGORICAL/DISCRETE grid runs in spec order, first parameter slowest', () => {
  const experiment = gridExperiment([
    listParameter('optimizer', 'CATEGORICAL', ['sgd', 'adam']),
    intParameter('layers', '1', '5', '2'),
    listParameter('batch', 'DISCRETE', ['64', '16', '32']),
    doubleParameter('dropout', '0.1', '0.3', '0.1', 'LOG_UNIFORM'),
  ]);
  const grid = cartesian({
    optimizer: ['sgd', 'adam'],
    layers: ['1', '3', '5'],
    batch: ['16', '32', '64'],
    dropout: ['0.1', '0.2', '0.3'],
  });
  assert.deepEqual(suggest(suggestionsRequest(experiment, [], grid.length)), grid);
});

test('each call continues after the combinations trials use, in any trial state', () => {
  const experiment = gridExperiment([intParameter('a', '0', '2'), listParameter('b', 'CATEGORICAL', ['x', 'y'])]);
  const trials = [
    { assignments: { a: '0', b: 'x' }, condition: 'FAILED' as const },
    { assignments: { a: '0', b: 'y' }, condition: 'KILLED' as const },
    { assignments: { a: '1', b: 'y' }, condition: 'RUNNING' as const },
    { assignments: { a: '2', b: 'x' }, condition: 'CREATED' as const },
  ];
  assert.deepEqual(suggest(suggestionsRequest(experiment, trials, 2)), [
    { a: '1', b: 'x' },
    { a: '2', b: 'y' },
  ]);
});

test('distributions do not move grid points', () => {
  const values = (distribution: 'UNIFORM' | 'LOG_UNIFORM' | 'NORMAL' | 'LOG_NORMAL') =>
    suggest(suggestionsRequest(gridExperiment([doubleParameter('lr', '1', '9', '2', distribution)]), [], 5));
  const uniform = values('UNIFORM');
  assert.deepEqual(uniform, cartesian({ lr: ['1', '3', '5', '7', '9'] }));
  for (const distribution of ['LOG_UNIFORM', 'NORMAL', 'LOG_NORMAL'] as const) assert.deepEqual(values(distribution), uniform, distribution);
});

test('a one-value parameter and a DOUBLE with min == max and no step each contribute one value', () => {
  const experiment = gridExperiment([
    listParameter('only', 'CATEGORICAL', ['solo']),
    doubleParameter('fixed', '0.5', '0.5'),
    intParameter('n', '7', '7'),
    intParameter('k', '1', '2'),
  ]);
  assert.deepEqual(suggest(suggestionsRequest(experiment, [], 2)), [
    { only: 'solo', fixed: '0.5', n: '7', k: '1' },
    { only: 'solo', fixed: '0.5', n: '7', k: '2' },
  ]);
  assert.doesNotThrow(() => validateAlgorithmSettings(validateRequest(gridExperiment([doubleParameter('fixed', '0.5', '0.5')], { maxTrialCount: 1 })), registry));
});

test('a DOUBLE without a step is INVALID_ARGUMENT saying a grid needs a step, in Validate and GetSuggestions', () => {
  const experiment = gridExperiment([intParameter('n', '1', '3'), doubleParameter('lr', '0.01', '0.05')]);
  assertServiceError(() => validateAlgorithmSettings(validateRequest(experiment), registry), 'INVALID_ARGUMENT', '"lr"', 'a grid needs a step');
  assertServiceError(() => suggest(suggestionsRequest(experiment, [], 1)), 'INVALID_ARGUMENT', '"lr"', 'a grid needs a step');
});

test('Validate rejects max_trial_count above the grid size with both numbers, and accepts it equal', () => {
  const parameters = [intParameter('n', '1', '3'), listParameter('c', 'CATEGORICAL', ['a', 'b'])];
  assertServiceError(
    () => validateAlgorithmSettings(validateRequest(gridExperiment(parameters, { maxTrialCount: 7 })), registry),
    'INVALID_ARGUMENT',
    'max_trial_count 7',
    'which has 6 combinations',
  );
  assert.doesNotThrow(() => validateAlgorithmSettings(validateRequest(gridExperiment(parameters, { maxTrialCount: 6 })), registry));
  assert.doesNotThrow(() => validateAlgorithmSettings(validateRequest(gridExperiment(parameters, { maxTrialCount: 0 })), registry));
});

test('random_state is accepted and changes nothing; any other setting is rejected', () => {
  const parameters = [intParameter('n', '1', '4')];
  const plain = suggest(suggestionsRequest(gridExperiment(parameters), [], 3));
  const seeded = suggest(suggestionsRequest(gridExperiment(parameters, { settings: { random_state: '42' } }), [], 3));
  assert.deepEqual(seeded, plain);
  assertServiceError(
    () => validateAlgorithmSettings(validateRequest(gridExperiment(parameters, { settings: { shuffle: 'true' } })), registry),
    'INVALID_ARGUMENT',
    '"shuffle"',
    'random_state',
  );
  assertServiceError(
    () => validateAlgorithmSettings(validateRequest(gridExperiment(parameters, { settings: { random_state: '-1' } })), registry),
    'INVALID_ARGUMENT',
    '"random_state"',
    '"-1"',
  );
});

test('a 10^12-point grid is walked without listing it', () => {
  const experiment = gridExperiment(['a', 'b', 'c', 'd'].map((name) => intParameter(name, '1', '1000')));
  const trials = [
    { assignments: { a: '1', b: '1', c: '1', d: '1' } },
    { assignments: { a: '1', b: '1', c: '1', d: '3' } },
    { assignments: { a: '1000', b: '1000', c: '1000', d: '1000' } },
    { assignments: { a: '1', b: '1', c: '2', d: '1' } },
  ];
  assert.deepEqual(suggest(suggestionsRequest(experiment, trials, 3)), [
    { a: '1', b: '1', c: '1', d: '2' },
    { a: '1', b: '1', c: '1', d: '4' },
    { a: '1', b: '1', c: '1', d: '5' },
  ]);
});

test('thousands of scattered trials over a 10^6-point grid leave exactly the lowest free indices', () => {
  const side = 1000;
  const experiment = gridExperiment([intParameter('x', '0', String(side - 1)), intParameter('y', '0', String(side - 1))]);
  // Every index below 6,000 that is not a multiple of 3, capped at 3,000 trials: the free ones are multiples of 3,
  // then everything past the last trial.
  const usedIndices = Array.from({ length: 6_000 }, (_, index) => index).filter((index) => index % 3 !== 0).slice(0, 3_000);
  const trials = usedIndices.map((index) => ({ assignments: { x: String(Math.floor(index / side)), y: String(index % side) } }));
  const usedSet = new Set(usedIndices);
  const free = Array.from({ length: 6_000 }, (_, index) => index).filter((index) => !usedSet.has(index)).slice(0, 1_502);
  assert.deepEqual(
    suggest(suggestionsRequest(experiment, trials, 1_502)),
    free.map((index) => ({ x: String(Math.floor(index / side)), y: String(index % side) })),
  );
});
