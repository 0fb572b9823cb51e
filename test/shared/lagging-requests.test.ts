import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bayesianOptimization } from '../../services/bayesianoptimization/bayesian-optimization.js';
import { cmaes } from '../../services/cmaes/cmaes.js';
import { gridSearch } from '../../services/grid/grid-search.js';
import { sobolSearch } from '../../services/sobol/sobol-search.js';
import { runKatibLagging, type TrialEnd } from '../support/katib-shaped-run.js';
import { assignmentKey, categoricalParameter, discreteParameter, doubleParameter, experiment, intParameter } from '../support/requests.js';
import { startSuggestionServer, type RunningSuggestionServer } from '../support/suggestion-server.js';

/**
 * Katib's requests can lag behind the trials it has created (katib-shaped-run.ts, runKatibLagging): a request
 * lacks the trials of the reply before it while total_request_number counts them. Whatever walks a sequence by
 * the assignments handed out must not hand out one of those lagging trials' assignments again.
 */
describe('requests that lag behind the trials Katib has created', () => {
  let server: RunningSuggestionServer;
  before(async () => {
    server = await startSuggestionServer([cmaes, sobolSearch, gridSearch, bayesianOptimization]);
  });
  after(async () => {
    await server.close();
  });
  const suggest: Parameters<typeof runKatibLagging>[0]['suggest'] = (request) => server.client.getSuggestions(request);

  /** The end-to-end suite's Experiment (test/katib/e2e/testdata): every parameter type; `lrStep` makes it finite. */
  const parameters = (lrStep?: string) => [
    doubleParameter('lr', '0.01', '0.05', lrStep === undefined ? {} : { step: lrStep }),
    intParameter('layers', '1', '5'),
    discreteParameter('batch_size', ['16', '32', '64']),
    categoricalParameter('optimizer', ['sgd', 'adam', 'rmsprop']),
  ];
  const loss = (a: Record<string, string>) =>
    ((Number(a['lr']) - 0.03) / 0.02) ** 2 + ((Number(a['layers']) - 3) / 2) ** 2 + Math.abs(Math.log2(Number(a['batch_size']) / 32)) / 2 + (a['optimizer'] === 'adam' ? 0 : 0.3);

  const endOf = (a: Record<string, string>, number: number): TrialEnd =>
    number % 9 === 0 ? { condition: 'METRICSUNAVAILABLE' } : { condition: 'SUCCEEDED', value: String(loss(a)) };

  it('cmaes hands out distinct assignments: the end-to-end suite\'s cmaes Experiment, whose 12 trials once held a repeat', async () => {
    // Before the fix, trials 11 and 12 were both lr=0.0340598035527, layers=4, batch_size=32, optimizer=adam, as
    // in the clean-clone CI run of the end-to-end suite that found it.
    const spec = experiment({ name: 'e2e-cmaes', algorithm: 'cmaes', settings: { random_state: '10' }, parameters: parameters(), maxTrialCount: 12, parallelTrialCount: 3 });
    const { assignments } = await runKatibLagging({ suggest, experiment: spec, maxTrialCount: 12, parallelTrialCount: 3, end: (a) => ({ condition: 'SUCCEEDED', value: String(loss(a)) }) });
    assert.equal(new Set(assignments.map(assignmentKey)).size, 12, JSON.stringify(assignments));
  });

  for (const parallelTrialCount of [2, 3, 5]) {
    it(`cmaes hands out 80 distinct assignments over generations, some trials ending MetricsUnavailable (parallel ${parallelTrialCount})`, async () => {
      const spec = experiment({ name: 'lagging-cmaes', algorithm: 'cmaes', settings: { random_state: '10' }, parameters: parameters(), parallelTrialCount });
      const { assignments } = await runKatibLagging({ suggest, experiment: spec, maxTrialCount: 80, parallelTrialCount, end: endOf });
      assert.equal(new Set(assignments.map(assignmentKey)).size, 80, JSON.stringify(assignments));
    });
  }

  for (const [lrStep, parallelTrialCount] of [['0.01', 3], ['0.01', 4], ['0.02', 2], ['0.02', 4]] as const) {
    it(`cmaes keeps 60 assignments of a finite space distinct too (lr step ${lrStep}, parallel ${parallelTrialCount})`, async () => {
      const spec = experiment({ name: 'lagging-cmaes-finite', algorithm: 'cmaes', settings: { random_state: '10' }, parameters: parameters(lrStep), parallelTrialCount });
      const { assignments } = await runKatibLagging({ suggest, experiment: spec, maxTrialCount: 60, parallelTrialCount, end: (a) => ({ condition: 'SUCCEEDED', value: String(loss(a)) }) });
      assert.equal(new Set(assignments.map(assignmentKey)).size, 60, JSON.stringify(assignments));
    });
  }

  // Sequences fixed for the whole Experiment keep every assignment distinct even in a finite space, where draws
  // could coincide: grid's order, and the Sobol design of sobol and of bayesianoptimization's initial points.
  for (const [algorithm, settings] of [
    ['sobol', { random_state: '10' }],
    ['grid', {}],
    ['bayesianoptimization', { n_initial_points: '40', random_state: '10' }],
  ] as const) {
    it(`${algorithm} hands out 40 distinct assignments of a 225-point space, some trials ending MetricsUnavailable`, async () => {
      const spec = experiment({ name: `lagging-${algorithm}`, algorithm, settings, parameters: parameters('0.01'), maxTrialCount: 40, parallelTrialCount: 3 });
      const { assignments } = await runKatibLagging({ suggest, experiment: spec, maxTrialCount: 40, parallelTrialCount: 3, end: endOf });
      assert.equal(new Set(assignments.map(assignmentKey)).size, 40, JSON.stringify(assignments));
    });
  }
});
