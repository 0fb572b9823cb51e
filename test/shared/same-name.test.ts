import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bayesianOptimization } from '../../services/bayesianoptimization/bayesian-optimization.js';
import { randomSearch } from '../../services/random/random-search.js';
import { multivariateTpe, tpe } from '../../services/tpe/tpe-algorithms.js';
import { assignmentsOf, doubleParameter, experiment, suggestionsRequest, trial } from '../support/requests.js';
import { startSuggestionServer, type RunningSuggestionServer } from '../support/suggestion-server.js';

/**
 * An Experiment deleted and re-created under the same name: Katib names its trials with fresh random suffixes. Its
 * later requests must not replay the first Experiment's trials, unless random_state asks for exactly that.
 */
describe('two Experiments of one name', () => {
  let server: RunningSuggestionServer;
  before(async () => {
    server = await startSuggestionServer([randomSearch, tpe, multivariateTpe, bayesianOptimization]);
  });
  after(async () => {
    await server.close();
  });

  /** The second request of an Experiment whose first batch was the same, under trial names with `suffix`. */
  async function secondBatch(algorithm: string, suffix: string, settings: Record<string, string> = {}) {
    const spec = experiment({
      name: 'same-name',
      algorithm,
      settings: { ...settings, ...(algorithm.includes('tpe') ? { n_startup_trials: '3' } : algorithm === 'bayesianoptimization' ? { n_initial_points: '3' } : {}) },
      parameters: [doubleParameter('x', '0', '1'), doubleParameter('y', '0', '1')],
    });
    const first = assignmentsOf(await server.client.getSuggestions(suggestionsRequest(spec, [], 3)));
    const trials = first.map((a, i) => trial(`same-name-${suffix}${i}`, a, 'SUCCEEDED', String(Number(a['x']) + Number(a['y']))));
    return { first, second: assignmentsOf(await server.client.getSuggestions(suggestionsRequest(spec, trials, 3))) };
  }

  for (const algorithm of ['random', 'tpe', 'multivariate-tpe', 'bayesianoptimization']) {
    it(`${algorithm}: the same first batch, then fresh draws for the re-created one; with random_state the very same trials`, async () => {
      const original = await secondBatch(algorithm, 'k7x2q');
      const recreated = await secondBatch(algorithm, 'p3m9z');
      assert.deepEqual(recreated.first, original.first);
      assert.notDeepEqual(recreated.second, original.second);
      const seeded = await secondBatch(algorithm, 'k7x2q', { random_state: '5' });
      const seededAgain = await secondBatch(algorithm, 'p3m9z', { random_state: '5' });
      assert.deepEqual(seededAgain.second, seeded.second);
    });
  }
});
