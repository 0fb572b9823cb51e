import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sobolSearch } from '../../services/sobol/sobol-search.js';
import { expectCallError, grpc } from '../support/clients.js';
import { runConformanceSuite } from '../support/conformance.js';
import { runKatibShaped } from '../support/katib-shaped-run.js';
import { assignmentKey, assignmentsOf, doubleParameter, experiment, intParameter, suggestionsRequest, trial } from '../support/requests.js';
import { processForSuite, withFreshProcess } from '../support/service-process.js';

runConformanceSuite(sobolSearch);

/** Which of `cells` equal slices of [0, 1) `position` falls in. */
const cellOf = (position: number, cells: number): number => Math.min(cells - 1, Math.floor(position * cells));

describe('the sobol service as a process', () => {
  const suite = processForSuite('sobol');
  const suggest: Parameters<typeof runKatibShaped>[0]['suggest'] = (request) => suite.client.getSuggestions(request);

  it('covers the space evenly across calls: 16 trials in rounds of 3 put one point in each cell of a 4 x 4 grid, and the log scale is honoured', async () => {
    const spec = experiment({
      name: 'sobol-even',
      algorithm: 'sobol',
      parameters: [doubleParameter('lr', '0.0001', '0.1', { distribution: 'LOG_UNIFORM' }), doubleParameter('momentum', '0.5', '0.9')],
    });
    const { assignments } = await runKatibShaped({
      suggest,
      experiment: spec,
      maxTrialCount: 16,
      parallelTrialCount: 3,
      end: () => ({ condition: 'SUCCEEDED', value: '1' }),
    });
    const cells = assignments.map((a) => {
      const lr = Math.log(Number(a['lr']) / 1e-4) / Math.log(1000);
      const momentum = (Number(a['momentum']) - 0.5) / 0.4;
      return cellOf(lr, 4) * 4 + cellOf(momentum, 4);
    });
    assert.equal(new Set(cells).size, 16, JSON.stringify(assignments));
  });

  it('walks on past trials Katib leaves out of requests (MetricsUnavailable), never repeating their points', async () => {
    const spec = experiment({ name: 'sobol-omitted', algorithm: 'sobol', parameters: [intParameter('n', '1', '8')] });
    const { assignments } = await runKatibShaped({
      suggest,
      experiment: spec,
      maxTrialCount: 8,
      parallelTrialCount: 1,
      end: (_a, number) => (number % 2 === 0 ? { condition: 'METRICSUNAVAILABLE' } : { condition: 'SUCCEEDED', value: '1' }),
    });
    assert.equal(new Set(assignments.map(assignmentKey)).size, 8, JSON.stringify(assignments));
  });

  it('gives the same reply after a restart, and hands the next assignments the next points of the sequence', async () => {
    const spec = experiment({ name: 'sobol-restart', algorithm: 'sobol', parameters: [doubleParameter('x', '0', '1'), doubleParameter('y', '0', '1')] });
    const first = assignmentsOf(await suite.client.getSuggestions(suggestionsRequest(spec, [], 4)));
    const trials = first.map((a, i) => trial(`t-${i}`, a, 'SUCCEEDED', '1'));
    const request = suggestionsRequest(spec, trials.slice(0, 3), 2, 6);
    const again = assignmentsOf(await suite.client.getSuggestions(request));
    await withFreshProcess('sobol', async (fresh) => assert.deepEqual(assignmentsOf(await fresh.getSuggestions(request)), again));
    // Six handed out in one run of the sequence equals four then two, even with the fourth trial not shown.
    const whole = assignmentsOf(await suite.client.getSuggestions(suggestionsRequest(spec, [], 6)));
    assert.deepEqual([...first, ...again], whole);
  });

  it('follows random_state: the same scramble in differently named experiments, another for another seed', async () => {
    const spec = (name: string, seed: string) =>
      experiment({ name, algorithm: 'sobol', settings: { random_state: seed }, parameters: [doubleParameter('x', '0', '1')] });
    const a = assignmentsOf(await suite.client.getSuggestions(suggestionsRequest(spec('one', '7'), [], 4)));
    const b = assignmentsOf(await suite.client.getSuggestions(suggestionsRequest(spec('two', '7'), [], 4)));
    const c = assignmentsOf(await suite.client.getSuggestions(suggestionsRequest(spec('one', '8'), [], 4)));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  it('refuses settings it does not know, and a bad random_state, with INVALID_ARGUMENT naming them', async () => {
    for (const [name, value, pattern] of [
      ['random_state', '-1', /random_state.*"-1".*integer >= 0/],
      ['sigma', '0.5', /sigma/],
    ] as const) {
      const spec = experiment({ algorithm: 'sobol', settings: { [name]: value }, parameters: [intParameter('a', '0', '9')] });
      const error = await expectCallError(suite.client.validate({ experiment: spec }));
      assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
      assert.match(error.details, pattern);
    }
  });
});
