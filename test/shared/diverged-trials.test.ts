import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { bayesianOptimization } from '../../services/bayesianoptimization/bayesian-optimization.js';
import { multivariateTpe, tpe } from '../../services/tpe/tpe-algorithms.js';
import { runSequentialExperiment } from '../support/experiment-runner.js';
import { doubleParameter, experiment } from '../support/requests.js';
import { startSuggestionServer, type RunningSuggestionServer } from '../support/suggestion-server.js';

/** Training with a learning rate above 1e-2 diverges and reports inf; below, the loss is best at 10^-2.5. */
function divergingLoss(assignment: Record<string, string>): number {
  const lr = Number(assignment['lr']);
  if (lr > 1e-2) return Infinity;
  return (Math.log10(lr) + 2.5) ** 2 + (Number(assignment['momentum']) - 0.9) ** 2;
}

/**
 * A SUCCEEDED trial whose objective is inf is a diverged run: evidence that its region is bad. Counted as failed
 * and dropped, it taught the models nothing, and they kept spending trials where training diverges.
 */
describe('diverged runs', () => {
  let server: RunningSuggestionServer;
  before(async () => {
    server = await startSuggestionServer([tpe, multivariateTpe, bayesianOptimization]);
  });
  after(async () => {
    await server.close();
  });

  for (const algorithm of ['tpe', 'multivariate-tpe', 'bayesianoptimization']) {
    it(`${algorithm} learns from inf that a region diverges and spends the later trials outside it`, async () => {
      const { trials } = await runSequentialExperiment({
        suggest: (request) => server.client.getSuggestions(request),
        experiment: experiment({
          name: `diverging-${algorithm}`,
          algorithm,
          parameters: [doubleParameter('lr', '0.0001', '1', { distribution: 'LOG_UNIFORM' }), doubleParameter('momentum', '0', '0.99')],
          settings: algorithm === 'bayesianoptimization' ? { n_initial_points: '8', acq_optimizer: 'sampling' } : { n_startup_trials: '8' },
        }),
        objective: divergingLoss,
        trialCount: 40,
        batch: 2,
      });
      const later = trials.slice(20);
      const diverging = later.filter((t) => Number(t.spec!.parameter_assignments!.assignments!.find((a) => a.name === 'lr')!.value) > 1e-2);
      // Half the space diverges: random search puts half its trials there.
      assert.ok(diverging.length <= 6, `${diverging.length} of the last 20 trials in the diverging region`);
    });
  }
});
