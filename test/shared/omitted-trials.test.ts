import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bayesianOptimization } from '../../services/bayesianoptimization/bayesian-optimization.js';
import { gridSearch } from '../../services/grid/grid-search.js';
import { runKatibShaped } from '../support/katib-shaped-run.js';
import { assignmentKey, categoricalParameter, discreteParameter, doubleParameter, experiment, intParameter } from '../support/requests.js';
import { startSuggestionServer, type RunningSuggestionServer } from '../support/suggestion-server.js';

/**
 * Katib's controller leaves MetricsUnavailable trials, and early-stopped trials without an observation, out of
 * every request, while total_request_number still counts them. Sequences must not restart at the omitted trials.
 */
describe('trials Katib leaves out of requests', () => {
  let server: RunningSuggestionServer;
  before(async () => {
    server = await startSuggestionServer([gridSearch, bayesianOptimization]);
  });
  after(async () => {
    await server.close();
  });
  const suggest: Parameters<typeof runKatibShaped>[0]['suggest'] = (request) => server.client.getSuggestions(request);

  for (const parallelTrialCount of [1, 3]) {
    it(`grid runs all 8 points of a 4 x 2 grid when the trial at (16, sgd) ends MetricsUnavailable (parallel ${parallelTrialCount})`, async () => {
      const spec = experiment({
        name: 'omitted-grid',
        algorithm: 'grid',
        parameters: [discreteParameter('batch', ['16', '32', '64', '128']), categoricalParameter('optimizer', ['sgd', 'adam'])],
        maxTrialCount: 8,
        parallelTrialCount,
      });
      const { assignments } = await runKatibShaped({
        suggest,
        experiment: spec,
        maxTrialCount: 8,
        parallelTrialCount,
        end: (a) => (a['batch'] === '16' && a['optimizer'] === 'sgd' ? { condition: 'METRICSUNAVAILABLE' } : { condition: 'SUCCEEDED', value: '0.5' }),
      });
      assert.equal(new Set(assignments.map(assignmentKey)).size, 8, JSON.stringify(assignments));
    });
  }

  it('grid steps past early-stopped trials without an observation too', async () => {
    const spec = experiment({ name: 'omitted-es', algorithm: 'grid', parameters: [intParameter('n', '1', '6')], maxTrialCount: 6 });
    const { assignments } = await runKatibShaped({
      suggest,
      experiment: spec,
      maxTrialCount: 6,
      parallelTrialCount: 2,
      end: (_a, number) => (number % 2 === 1 ? { condition: 'EARLYSTOPPED' } : { condition: 'SUCCEEDED', value: String(number) }),
    });
    assert.deepEqual(assignments.map((a) => a['n']), ['1', '2', '3', '4', '5', '6']);
  });

  it('bayesianoptimization walks its initial design past MetricsUnavailable trials instead of repeating one point', async () => {
    const spec = experiment({
      name: 'omitted-bo',
      algorithm: 'bayesianoptimization',
      parameters: [doubleParameter('x', '0', '1'), doubleParameter('y', '0', '1')],
      settings: { n_initial_points: '12' },
      maxTrialCount: 12,
    });
    const { assignments } = await runKatibShaped({
      suggest,
      experiment: spec,
      maxTrialCount: 12,
      parallelTrialCount: 1,
      end: (_a, number) => (number % 3 === 0 ? { condition: 'SUCCEEDED', value: String(number) } : { condition: 'METRICSUNAVAILABLE' }),
    });
    assert.equal(new Set(assignments.map(assignmentKey)).size, 12, JSON.stringify(assignments));
  });

  it('bayesianoptimization does not repeat an omitted trial\'s design point in a small finite space', async () => {
    const spec = experiment({ name: 'omitted-bo-int', algorithm: 'bayesianoptimization', parameters: [intParameter('n', '1', '8')], settings: { n_initial_points: '8' }, maxTrialCount: 8 });
    const { assignments } = await runKatibShaped({
      suggest,
      experiment: spec,
      maxTrialCount: 8,
      parallelTrialCount: 1,
      end: (a, number) => (number % 2 === 0 ? { condition: 'METRICSUNAVAILABLE' } : { condition: 'SUCCEEDED', value: a['n']! }),
    });
    assert.equal(new Set(assignments.map(assignmentKey)).size, 8, JSON.stringify(assignments));
  });

  it('serves a total_request_number far beyond the trials shown without walking up to it', async () => {
    for (const algorithm of ['grid', 'bayesianoptimization']) {
      const spec = experiment({ name: `huge-total-${algorithm}`, algorithm, parameters: [intParameter('a', '1', '1000000'), intParameter('b', '1', '1000000')] });
      const reply = await server.client.getSuggestions({ experiment: spec, trials: [], current_request_number: 3, total_request_number: 2 ** 31 - 1 });
      assert.equal(new Set(reply.parameter_assignments.map((entry) => JSON.stringify(entry.assignments))).size, 3, algorithm);
    }
  });
});
