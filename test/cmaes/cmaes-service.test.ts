import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { cmaes } from '../../services/cmaes/cmaes.js';
import { GenerationReplay } from '../../services/cmaes/generation-replay.js';
import { SpaceLayout } from '../../services/cmaes/space-layout.js';
import { TrialBook } from '../../services/cmaes/trial-book.js';
import { AlgorithmRegistry } from '../../shared/algorithm/algorithm-registry.js';
import { parseHistory } from '../../shared/history/trial-history.js';
import { parseExperiment } from '../../shared/suggestion/parse-experiment.js';
import { assignmentsHandedOut } from '../../shared/suggestion/get-suggestions.js';
import type { GetSuggestionsRequest, GetSuggestionsRequest__Output } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import { API_PROTO_PATH } from '../../shared/wire/katib-api.js';
import { expectCallError, grpc } from '../support/clients.js';
import { runConformanceSuite } from '../support/conformance.js';
import { runKatibShaped, type TrialEnd } from '../support/katib-shaped-run.js';
import { assignmentKey, assignmentsOf, categoricalParameter, doubleParameter, experiment, intParameter, suggestionsRequest, trial } from '../support/requests.js';
import { processForSuite, withFreshProcess } from '../support/service-process.js';
import { startSuggestionServer, type RunningSuggestionServer } from '../support/suggestion-server.js';

runConformanceSuite(cmaes);
runConformanceSuite(cmaes, { settings: { restart_strategy: 'bipop', sigma: '0.3' } });

const requestType = new protobuf.Root().loadSync(API_PROTO_PATH, { keepCase: true }).lookupType('api.v1.beta1.GetSuggestionsRequest');

/** `request` as the server receives it: through the wire, with proto-loader's defaults filled in. */
function asReceived(sent: GetSuggestionsRequest): GetSuggestionsRequest__Output {
  const message = requestType.decode(requestType.encode(requestType.fromObject(sent)).finish());
  return requestType.toObject(message, { enums: String, longs: String, defaults: true, arrays: true, objects: false, oneofs: true }) as GetSuggestionsRequest__Output;
}

/** The generation the replay of `sent` has reached, and the population size of its run. */
function replayedGeneration(sent: GetSuggestionsRequest): { run: number; generation: number; lambda: number } {
  const request = asReceived(sent);
  const parsed = parseExperiment(request.experiment, new AlgorithmRegistry([cmaes]));
  const settings = parsed.settings as Parameters<typeof cmaes.suggest>[0]['settings'];
  const layout = new SpaceLayout(parsed.space);
  const replay = new GenerationReplay(layout, `experiment:${request.experiment!.name}`, settings);
  const history = parseHistory(request.trials, parsed.space, parsed.facts.objective);
  const { run } = replay.replay(new TrialBook(history), assignmentsHandedOut(request));
  return { run: run.index, generation: run.generation, lambda: run.lambda };
}

/** A smooth bowl over a log-scaled learning rate, a wide INT and a categorical: best at lr 1e-3, width 300, 'adam'. */
function mixedScaleLoss(a: Record<string, string>): number {
  return (Math.log10(Number(a['lr'])) + 3) ** 2 + ((Number(a['width']) - 300) / 100) ** 2 + (a['optimizer'] === 'adam' ? 0 : 1);
}

const mixedScaleParameters = [
  doubleParameter('lr', '0.0001', '0.1', { distribution: 'LOG_UNIFORM' }),
  intParameter('width', '16', '512'),
  categoricalParameter('optimizer', ['sgd', 'adam', 'rmsprop']),
];

describe('cmaes through a server', () => {
  let server: RunningSuggestionServer;
  before(async () => {
    server = await startSuggestionServer([cmaes]);
  });
  after(async () => {
    await server.close();
  });
  const suggest: Parameters<typeof runKatibShaped>[0]['suggest'] = (request) => server.client.getSuggestions(request);
  const succeed = (loss: (a: Record<string, string>) => number) => (a: Record<string, string>): TrialEnd => ({ condition: 'SUCCEEDED', value: String(loss(a)) });

  it('learns on a mixed-scale space: log learning rate, wide INT and a categorical all move to their best values', async () => {
    const spec = experiment({ name: 'cmaes-mixed', algorithm: 'cmaes', parameters: mixedScaleParameters });
    const { assignments } = await runKatibShaped({ suggest, experiment: spec, maxTrialCount: 90, parallelTrialCount: 3, end: succeed(mixedScaleLoss) });
    const losses = assignments.map(mixedScaleLoss);
    const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
    assert.ok(median(losses.slice(-15)) < median(losses.slice(0, 15)) / 4, `first ${median(losses.slice(0, 15))}, last ${median(losses.slice(-15))}`);
    const best = assignments[losses.indexOf(Math.min(...losses))]!;
    assert.ok(Math.abs(Number(best['width']) - 300) < 60, JSON.stringify(best));
    assert.ok(Math.abs(Math.log10(Number(best['lr'])) + 3) < 0.4, JSON.stringify(best));
    assert.equal(best['optimizer'], 'adam');
  });

  it('hands out the same generations whether members come one per call or a whole generation at once', async () => {
    const parameters = [doubleParameter('x', '-5', '5'), doubleParameter('y', '-5', '5')];
    const bowl = (a: Record<string, string>) => (Number(a['x']) - 1) ** 2 + (Number(a['y']) + 2) ** 2;
    const lambda = 6; // 4 + floor(3 ln 2)
    const one = await runKatibShaped({ suggest, experiment: experiment({ name: 'cmaes-shape', algorithm: 'cmaes', parameters }), maxTrialCount: 3 * lambda, parallelTrialCount: 1, end: succeed(bowl) });
    const whole = await runKatibShaped({ suggest, experiment: experiment({ name: 'cmaes-shape', algorithm: 'cmaes', parameters }), maxTrialCount: 3 * lambda, parallelTrialCount: lambda, end: succeed(bowl) });
    assert.deepEqual(one.assignments, whole.assignments);
  });

  it('does not stall on members Katib leaves out of requests: the generations move on, nothing repeats', async () => {
    const spec = experiment({ name: 'cmaes-omitted', algorithm: 'cmaes', parameters: mixedScaleParameters });
    const { assignments, requests } = await runKatibShaped({
      suggest,
      experiment: spec,
      maxTrialCount: 48,
      parallelTrialCount: 3,
      end: (a, number) => (number % 4 === 0 ? { condition: 'METRICSUNAVAILABLE' } : number % 7 === 0 ? { condition: 'FAILED' } : succeed(mixedScaleLoss)(a)),
    });
    assert.equal(new Set(assignments.map(assignmentKey)).size, 48);
    const reached = replayedGeneration(requests.at(-1)!);
    // 48 assignments in generations of 7 (lambda for 3 parameters) and a few extras: at least five closed.
    assert.ok(reached.generation >= 5, JSON.stringify(reached));
  });

  it('never hands out an omitted member\'s point again: all 8 points of a 4 x 2 space run when one trial is MetricsUnavailable', async () => {
    for (const omittedNumber of [1, 3, 6]) {
      const spec = experiment({ name: `cmaes-omitted-grid-${omittedNumber}`, algorithm: 'cmaes', parameters: [intParameter('batch', '1', '4'), categoricalParameter('optimizer', ['sgd', 'adam'])] });
      const { assignments } = await runKatibShaped({
        suggest,
        experiment: spec,
        maxTrialCount: 8,
        parallelTrialCount: 1,
        end: (a, number) => (number === omittedNumber ? { condition: 'METRICSUNAVAILABLE' } : succeed((b) => Number(b['batch']))(a)),
      });
      assert.equal(new Set(assignments.map(assignmentKey)).size, 8, JSON.stringify(assignments));
    }
  });

  it('keeps handing out distinct members of the same generation while one member never ends', async () => {
    const spec = experiment({ name: 'cmaes-pending', algorithm: 'cmaes', parameters: [doubleParameter('x', '0', '1'), doubleParameter('y', '0', '1')] });
    const first = assignmentsOf(await server.client.getSuggestions(suggestionsRequest(spec, [], 1)));
    const trials = [trial('stuck', first[0]!, 'RUNNING')];
    for (let call = 0; call < 20; call++) {
      const [next] = assignmentsOf(await server.client.getSuggestions(suggestionsRequest(spec, trials, 1)));
      trials.push(trial(`t-${call}`, next!, 'SUCCEEDED', String(Number(next!['x']) + Number(next!['y']))));
    }
    assert.equal(new Set(trials.map((t) => assignmentKey(Object.fromEntries(t.spec!.parameter_assignments!.assignments!.map((a) => [a.name!, a.value!]))))).size, 21);
    const request = suggestionsRequest(spec, trials, 1);
    assert.deepEqual(replayedGeneration(request), { run: 0, generation: 0, lambda: 6 });
    // Once the stuck member ends, its generation closes and the search moves on.
    trials[0] = trial('stuck', first[0]!, 'SUCCEEDED', '1');
    assert.ok(replayedGeneration(suggestionsRequest(spec, trials, 1)).generation >= 1);
  });

  it('restarts with IPOP once the loss is flat: the next run has twice the population', async () => {
    const spec = experiment({ name: 'cmaes-ipop', algorithm: 'cmaes', settings: { restart_strategy: 'ipop' }, parameters: [doubleParameter('x', '0', '1')] });
    // One parameter: lambda 4, and a flat best loss for 10 + 30 / 4 generations ends the run.
    const { requests } = await runKatibShaped({ suggest, experiment: spec, maxTrialCount: 84, parallelTrialCount: 4, end: () => ({ condition: 'SUCCEEDED', value: '1' }) });
    const reached = replayedGeneration(requests.at(-1)!);
    assert.deepEqual([reached.run, reached.lambda], [1, 8], JSON.stringify(reached));
  });

  it('keeps a small INT space searched by its own distribution: generations close even when draws collide', async () => {
    const spec = experiment({ name: 'cmaes-small', algorithm: 'cmaes', parameters: [intParameter('a', '0', '3'), intParameter('b', '0', '3')] });
    const { assignments, requests } = await runKatibShaped({ suggest, experiment: spec, maxTrialCount: 16, parallelTrialCount: 2, end: (a) => ({ condition: 'SUCCEEDED', value: String(Number(a['a']) + Number(a['b'])) }) });
    assert.equal(new Set(assignments.map(assignmentKey)).size, 16);
    assert.ok(replayedGeneration(requests.at(-1)!).generation >= 2, JSON.stringify(requests.map(replayedGeneration)));
  });

  it('runs a single parameter, which the stock service refuses', async () => {
    const spec = experiment({ name: 'cmaes-1d', algorithm: 'cmaes', parameters: [doubleParameter('x', '0', '10')] });
    const { assignments } = await runKatibShaped({ suggest, experiment: spec, maxTrialCount: 30, parallelTrialCount: 2, end: succeed((a) => (Number(a['x']) - 7) ** 2) });
    const best = Math.min(...assignments.map((a) => Math.abs(Number(a['x']) - 7)));
    assert.ok(best < 0.1, `closest to 7: ${best}`);
  });

  it('refuses sigma <= 0, unknown restart strategies and unknown settings with INVALID_ARGUMENT naming them', async () => {
    for (const [name, value, pattern] of [
      ['sigma', '0', /sigma.*"0".*number > 0/],
      ['sigma', '-0.5', /sigma.*"-0.5".*number > 0/],
      ['restart_strategy', 'lpop', /restart_strategy.*"lpop".*none, ipop, bipop/],
      ['popsize', '8', /unknown setting "popsize"/],
    ] as const) {
      const spec = experiment({ algorithm: 'cmaes', settings: { [name]: value }, parameters: [doubleParameter('x', '0', '1')] });
      for (const call of [server.client.validate({ experiment: spec }), server.client.getSuggestions(suggestionsRequest(spec, [], 1))]) {
        const error = await expectCallError(call);
        assert.equal(error.code, grpc.status.INVALID_ARGUMENT);
        assert.match(error.details, pattern);
      }
    }
  });
});

describe('the cmaes service as a process', () => {
  const suite = processForSuite('cmaes');

  it('gives the same reply mid-experiment after a restart (where the stock service fails for good)', async () => {
    const spec = experiment({ name: 'cmaes-restart', algorithm: 'cmaes', settings: { restart_strategy: 'bipop' }, parameters: mixedScaleParameters });
    const { requests } = await runKatibShaped({
      suggest: (request) => suite.client.getSuggestions(request),
      experiment: spec,
      maxTrialCount: 30,
      parallelTrialCount: 3,
      end: (a) => ({ condition: 'SUCCEEDED', value: String(mixedScaleLoss(a)) }),
    });
    const request = requests.at(-1)!;
    const here = assignmentsOf(await suite.client.getSuggestions(request));
    await withFreshProcess('cmaes', async (fresh) => assert.deepEqual(assignmentsOf(await fresh.getSuggestions(request)), here));
  });
});
