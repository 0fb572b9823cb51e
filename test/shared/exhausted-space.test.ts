import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bayesianOptimization } from '../../services/bayesianoptimization/bayesian-optimization.js';
import { gridSearch } from '../../services/grid/grid-search.js';
import { randomSearch } from '../../services/random/random-search.js';
import { multivariateTpe, tpe } from '../../services/tpe/tpe-algorithms.js';
import { runKatibShaped } from '../support/katib-shaped-run.js';
import { assignmentKey, categoricalParameter, discreteParameter, experiment } from '../support/requests.js';
import { startSuggestionServer, type RunningSuggestionServer } from '../support/suggestion-server.js';

/**
 * Katib retries a failed GetSuggestions for ever and has no notion of an exhausted space: an Experiment asking for
 * more trials than its space has distinct assignments must still get them, or it stays Running for good.
 */
describe('an Experiment whose space has fewer assignments than it asks for', () => {
  let server: RunningSuggestionServer;
  before(async () => {
    server = await startSuggestionServer([randomSearch, gridSearch, tpe, multivariateTpe, bayesianOptimization]);
  });
  after(async () => {
    await server.close();
  });

  const parameters = [categoricalParameter('optimizer', ['sgd', 'adam']), discreteParameter('batch', ['16', '32', '64'])];
  /** A loss with one best assignment: adam with batch 32. */
  const loss = (a: Record<string, string>) => (a['optimizer'] === 'adam' ? 0 : 1) + Math.abs(Math.log2(Number(a['batch'])) - 5);

  const cases = [
    ...['random', 'tpe', 'multivariate-tpe', 'bayesianoptimization'].map((algorithm) => ({ algorithm, maxTrialCount: 12 })),
    // A grid without max_trial_count: Katib keeps asking; 12 stands for "more than the grid".
    { algorithm: 'grid', maxTrialCount: 0 },
  ];
  for (const { algorithm, maxTrialCount } of cases) {
    it(`${algorithm}${maxTrialCount === 0 ? ' without max_trial_count' : ''}: 2 x 3 values, 12 trials, 3 in parallel: six distinct, then the best again, never an error`, async () => {
      const spec = experiment({
        name: `exhausted-${algorithm}`,
        algorithm,
        parameters,
        maxTrialCount,
        parallelTrialCount: 3,
        settings: algorithm.includes('tpe') ? { n_startup_trials: '3' } : {},
      });
      await server.client.validate({ experiment: spec });
      const { assignments } = await runKatibShaped({
        suggest: (request) => server.client.getSuggestions(request),
        experiment: spec,
        maxTrialCount: 12,
        parallelTrialCount: 3,
        end: (a) => ({ condition: 'SUCCEEDED', value: String(loss(a)) }),
      });
      assert.equal(assignments.length, 12);
      assert.equal(new Set(assignments.slice(0, 6).map(assignmentKey)).size, 6);
      // The first repeat re-evaluates the best assignment.
      assert.deepEqual(assignments[6], { optimizer: 'adam', batch: '32' });
    });
  }
});
