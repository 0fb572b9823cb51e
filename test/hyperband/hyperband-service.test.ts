import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServiceProcess, type ServiceProcess } from '../../bench/targets/service-process.js';
import { hyperbandPlan } from '../../services/hyperband/bracket-plan.js';
import { hyperband } from '../../services/hyperband/hyperband.js';
import type { Experiment } from '../../shared/wire/generated/api/v1/beta1/Experiment.js';
import { expectCallError, grpc, SuggestionClient } from '../support/clients.js';
import { assignmentKey, assignmentOf, assignmentsOf, categoricalParameter, doubleParameter, experiment, intParameter, suggestionsRequest, trial } from '../support/requests.js';
import { startSuggestionServer, type RunningSuggestionServer } from '../support/suggestion-server.js';
import { processForSuite, withFreshProcess } from '../support/service-process.js';
import { runKatibLoop, type LoopTrial } from './katib-loop.js';

/** A learning curve: the configuration's quality x, plus what training for `epochs` has not yet removed. */
const loss = (assignment: Record<string, string>) => Number(assignment['x']) + 1 / Number(assignment['epochs']);
const succeed = (assignment: Record<string, string>) => ({ condition: 'SUCCEEDED' as const, value: String(loss(assignment)) });

function spec(name: string, options: { settings?: Record<string, string>; max?: number; parallel?: number } = {}): Experiment {
  return experiment({
    name,
    algorithm: 'hyperband',
    settings: options.settings ?? { resource_name: 'epochs', r_l: '9', eta: '3' },
    parameters: [doubleParameter('x', '0', '1'), categoricalParameter('optimizer', ['sgd', 'adam']), intParameter('epochs', '1', '1')],
    maxTrialCount: options.max ?? 22,
    parallelTrialCount: options.parallel ?? 1,
  });
}

/** The trials' budgets in the order handed out, and per configuration (x and optimizer) the budgets it ran at. */
function lineages(trials: readonly LoopTrial[]): Map<string, LoopTrial[]> {
  const byConfiguration = new Map<string, LoopTrial[]>();
  for (const t of trials) {
    const key = `${t.assignment['x']}/${t.assignment['optimizer']}`;
    byConfiguration.set(key, [...(byConfiguration.get(key) ?? []), t]);
  }
  return byConfiguration;
}

/**
 * Checks that every trial is a planned rung member: a configuration's budgets climb 1, 3, 9 from where its
 * bracket started it, each promotion taken from the best of the completed members of its rung, and the runs
 * of every rung add up to the plan's sizes (when nothing failed).
 */
function assertSuccessiveHalving(trials: readonly LoopTrial[], options: { exactPlan: boolean }): void {
  const keys = trials.map((t) => assignmentKey(t.assignment));
  assert.equal(new Set(keys).size, keys.length, 'no assignment repeats');
  for (const lineage of lineages(trials).values()) {
    const budgets = lineage.map((t) => Number(t.assignment['epochs']));
    for (let i = 1; i < budgets.length; i++) assert.equal(budgets[i], budgets[i - 1]! * 3, `budgets ${budgets} climb by eta`);
    for (const promoted of lineage.slice(1)) {
      const from = lineage[lineage.indexOf(promoted) - 1]!;
      assert.ok(from.end.value !== undefined, 'only a member that reported a value is promoted');
    }
  }
  if (options.exactPlan) {
    const counts = new Map<string, number>();
    for (const lineage of lineages(trials).values()) {
      const start = lineage[0]!.assignment['epochs'];
      const path = lineage.map((t) => t.assignment['epochs']).join('>');
      counts.set(`${start}:${path}`, (counts.get(`${start}:${path}`) ?? 0) + 1);
    }
    // Bracket s=2: 9 at 1, the best 3 go on at 3, the best 1 at 9; s=1: 5 at 3, 1 at 9; s=0: 3 at 9.
    assert.deepEqual(Object.fromEntries([...counts].sort()), { '1:1': 6, '1:1>3': 2, '1:1>3>9': 1, '3:3': 4, '3:3>9': 1, '9:9': 3 });
  }
}

describe('the hyperband service through its gRPC server', () => {
  let server: RunningSuggestionServer;
  before(async () => {
    server = await startSuggestionServer([hyperband]);
  });
  after(async () => {
    await server.close();
  });
  const suggest = (request: Parameters<SuggestionClient['getSuggestions']>[0]) => server.client.getSuggestions(request);

  it('runs every bracket one trial at a time, promoting the best third of each rung, and is done after the 22 trials of the plan', async () => {
    const { trials, refusals } = await runKatibLoop({ suggest, experiment: spec('serial'), parallel: 1, max: 22, end: succeed });
    assert.equal(trials.length, hyperbandPlan(9, 3, true).trialsPerRun);
    assert.deepEqual(refusals, []);
    assertSuccessiveHalving(trials, { exactPlan: true });
    // The order of the paper: bracket s=2's nine configurations at 1 epoch first, then its best three at 3.
    assert.deepEqual(trials.slice(0, 12).map((t) => t.assignment['epochs']), [...Array(9).fill('1'), '3', '3', '3']);
    const firstRung = trials.slice(0, 9).sort((a, b) => loss(a.assignment) - loss(b.assignment));
    assert.deepEqual(trials.slice(9, 12).map((t) => t.assignment['x']), firstRung.slice(0, 3).map((t) => t.assignment['x']));
  });

  it('keeps five trials running: brackets run side by side, and a rung still reporting holds back only what the plan needs', async () => {
    const { trials, refusals } = await runKatibLoop({ suggest, experiment: spec('parallel', { parallel: 5 }), parallel: 5, max: 22, end: succeed });
    assertSuccessiveHalving(trials, { exactPlan: true });
    for (const refusal of refusals) {
      assert.equal(refusal.code, grpc.status.UNAVAILABLE);
      assert.match(refusal.details, /waits for \d+ trial\(s\) to report.*max_trial_count 22/);
    }
  });

  it("waits for the trials of the last reply that a lagging request lacks, and ranks their rung without them one reply later", async () => {
    // Katib's cache can lag: a request may lack the Trials created from the reply before it.
    const carry = (e: Experiment, reply: Awaited<ReturnType<typeof suggest>>): Experiment => {
      const merged = [...e.spec!.algorithm!.algorithm_settings!];
      for (const setting of reply.algorithm?.algorithm_settings ?? []) {
        const index = merged.findIndex((s) => s.name === setting.name);
        merged.splice(index < 0 ? merged.length : index, index < 0 ? 0 : 1, { name: setting.name, value: setting.value });
      }
      return { ...e, spec: { ...e.spec, algorithm: { ...e.spec!.algorithm, algorithm_settings: merged } } };
    };
    const done = (assignments: Record<string, string>[], from: number) => assignments.map((a, i) => trial(`t-${from + i}`, a, 'SUCCEEDED', String(loss(a))));
    const e0 = spec('lagging', { parallel: 6 });
    const r1 = await suggest(suggestionsRequest(e0, [], 6));
    const e1 = carry(e0, r1);
    const firstSix = done(assignmentsOf(r1), 0);
    const r2 = await suggest(suggestionsRequest(e1, firstSix, 3, 9));
    const e2 = carry(e1, r2);
    const [seventh, eighth, ninth] = assignmentsOf(r2);
    // The seventh reported; the eighth and ninth are missing, as from a lagging request (or ended MetricsUnavailable).
    const seven = [...firstSix, ...done([seventh!], 6)];
    const r3 = assignmentsOf(await suggest(suggestionsRequest(e2, seven, 1, 10)));
    const firstRung = new Set([...assignmentsOf(r1), seventh!, eighth!, ninth!].map((a) => a['x']));
    assert.equal(r3[0]!['epochs'], '3');
    assert.ok(!firstRung.has(r3[0]!['x']), 'no promotion while two members of the rung may still report: the next bracket starts');
    // One reply later they are still missing: they ended without a value, and the rung promotes its best of seven.
    const e3 = carry(e2, await suggest(suggestionsRequest(e2, seven, 1, 10)));
    const r4 = assignmentsOf(await suggest(suggestionsRequest(e3, [...seven, trial('t-9', r3[0]!, 'RUNNING')], 1, 11)));
    const best = [...seven].sort((a, b) => Number(a.status!.observation!.metrics![0]!.value) - Number(b.status!.observation!.metrics![0]!.value))[0]!;
    assert.deepEqual(r4, [{ ...assignmentOf(best), epochs: '3' }]);
  });

  it('with no max_trial_count it never waits: the next run of brackets fills the slots', async () => {
    const { trials, refusals } = await runKatibLoop({ suggest, experiment: spec('endless', { parallel: 5, max: 0 }), parallel: 5, max: 40, end: succeed });
    assert.deepEqual(refusals, []);
    assertSuccessiveHalving(trials, { exactPlan: false });
    assert.ok(trials.slice(22).some((t) => t.assignment['epochs'] === '1'), 'a second run started');
  });

  it('goes on past failed, MetricsUnavailable and early-stopped trials: rungs promote from those that reported', async () => {
    const end = (assignment: Record<string, string>, number: number) =>
      number % 4 === 1
        ? { condition: 'METRICSUNAVAILABLE' as const }
        : number % 4 === 2
          ? { condition: 'FAILED' as const }
          : number % 7 === 0
            ? { condition: 'EARLYSTOPPED' as const }
            : succeed(assignment);
    for (const parallel of [1, 5]) {
      const { trials } = await runKatibLoop({ suggest, experiment: spec(`failing-${parallel}`, { parallel }), parallel, max: 22, end });
      assert.equal(trials.length, 22);
      assertSuccessiveHalving(trials, { exactPlan: false });
      assert.ok(trials.some((t) => t.assignment['epochs'] === '3'), 'promotions happened');
    }
  });

  it('never waits for nothing: when Katib asks for more than the brackets have ready and nothing is running, the next run starts', async () => {
    // Newest trial ends first: bracket s=2's first rung reports last, when nothing else is left to run.
    const { trials } = await runKatibLoop({
      suggest,
      experiment: spec('newest-first', { parallel: 5 }),
      parallel: 5,
      max: 22,
      end: succeed,
      pickEnding: (running) => running.length - 1,
    });
    assert.equal(trials.length, 22);
    assertSuccessiveHalving(trials, { exactPlan: false });
  });

  it('answers a retried request with the same reply, progress included, on this server and on a fresh one', async () => {
    const { requests } = await runKatibLoop({ suggest, experiment: spec('retry', { parallel: 3 }), parallel: 3, max: 14, end: succeed });
    const request = requests[requests.length - 1]!;
    const first = await suggest(request);
    const fresh = await startSuggestionServer([hyperband]);
    try {
      assert.deepEqual(await suggest(request), first);
      assert.deepEqual(await fresh.client.getSuggestions(request), first);
    } finally {
      await fresh.close();
    }
    assert.equal(first.algorithm?.algorithm_settings[0]?.name, 'hyperband_progress');
  });

  it('follows random_state: one stream across experiment names, another for another seed', async () => {
    const seeded = (name: string, seed: string) => spec(name, { settings: { resource_name: 'epochs', r_l: '9', random_state: seed } });
    const first = (e: Experiment) => suggest(suggestionsRequest(e, [], 3)).then(assignmentsOf);
    assert.deepEqual(await first(seeded('a', '7')), await first(seeded('b', '7')));
    assert.notDeepEqual(await first(seeded('a', '7')), await first(seeded('a', '8')));
  });

  it('accepts the stock service\'s own position settings in a request, and ignores them', async () => {
    const stock = { resource_name: 'epochs', r_l: '9', eta: '3.0', s_max: '2', b_l: '27.0', r: '1', n: '9', current_s: '2', current_i: '0', evaluating_trials: '0' };
    const withStock = await suggest(suggestionsRequest(spec('stock', { settings: stock }), [], 4));
    const plain = await suggest(suggestionsRequest(spec('stock'), [], 4));
    assert.deepEqual(assignmentsOf(withStock), assignmentsOf(plain));
    await server.client.validate({ experiment: spec('stock', { settings: stock }) });
  });

  it('gives a DOUBLE resource exact fractions of r_l, and ignores the declared range of the resource parameter', async () => {
    const fraction = experiment({
      name: 'fraction',
      algorithm: 'hyperband',
      settings: { resource_name: 'data_fraction', r_l: '1', eta: '2' },
      parameters: [doubleParameter('x', '0', '1'), doubleParameter('data_fraction', '0.5', '0.5')],
    });
    const reply = assignmentsOf(await suggest(suggestionsRequest(fraction, [], 3)));
    assert.deepEqual(reply.map((a) => a['data_fraction']), ['1', '1', '1']);
    const coarse = { ...fraction, spec: { ...fraction.spec, algorithm: { algorithm_name: 'hyperband', algorithm_settings: [{ name: 'resource_name', value: 'data_fraction' }, { name: 'r_l', value: '0.9' }, { name: 'eta', value: '3' }] } } };
    assert.deepEqual(assignmentsOf(await suggest(suggestionsRequest(coarse, [], 1))).map((a) => a['data_fraction']), ['0.9']);
    // r_l 4.5 and eta 3: bracket s=1 starts 3 configurations at 4.5 / 3 = 1.5 (an INT budget would be 1).
    const deep = experiment({ name: 'deep', algorithm: 'hyperband', parameters: fraction.spec!.parameter_specs!.parameters!, settings: { resource_name: 'data_fraction', r_l: '4.5', eta: '3' } });
    assert.deepEqual(assignmentsOf(await suggest(suggestionsRequest(deep, [], 4))).map((a) => a['data_fraction']), ['1.5', '1.5', '1.5', '4.5']);
  });

  describe('refuses bad settings with INVALID_ARGUMENT naming the setting, in ValidateAlgorithmSettings and GetSuggestions', () => {
    const cases: [string, Record<string, string>, RegExp][] = [
      ['resource_name missing', { r_l: '9' }, /"resource_name" is missing.*INT or DOUBLE/],
      ['resource_name empty', { resource_name: '', r_l: '9' }, /"resource_name" has value ""/],
      ['resource_name naming no parameter', { resource_name: 'steps', r_l: '9' }, /"steps", which names no parameter.*"x", "epochs"/],
      ['resource_name naming a CATEGORICAL parameter', { resource_name: 'optimizer', r_l: '9' }, /"optimizer", a CATEGORICAL parameter; expected an INT or DOUBLE/],
      ['r_l missing', { resource_name: 'epochs' }, /"r_l" is missing/],
      ['r_l zero', { resource_name: 'epochs', r_l: '0' }, /"r_l" has value "0"; expected a number > 0/],
      ['r_l negative', { resource_name: 'epochs', r_l: '-3' }, /"r_l" has value "-3"/],
      ['r_l not a number', { resource_name: 'epochs', r_l: 'many' }, /"r_l" has value "many"/],
      ['r_l below 1 for an INT budget', { resource_name: 'epochs', r_l: '0.5' }, /"r_l" has value "0.5"; expected a number >= 1, since "epochs" is an INT/],
      ['eta below 2', { resource_name: 'epochs', r_l: '9', eta: '1.5' }, /"eta" has value "1.5"; expected a number >= 2/],
      ['eta not a number', { resource_name: 'epochs', r_l: '9', eta: 'three' }, /"eta" has value "three"/],
      ['a plan beyond 100,000 trials', { resource_name: 'epochs', r_l: '1e9', eta: '2' }, /"r_l" 1000000000 and "eta" 2 make 30 brackets of \d+ trials.*at most 100000/],
      ['random_state negative', { resource_name: 'epochs', r_l: '9', random_state: '-1' }, /"random_state" has value "-1"/],
      ['an unknown setting', { resource_name: 'epochs', r_l: '9', budget: '3' }, /unknown setting "budget"/],
    ];
    for (const [name, settings, message] of cases) {
      it(name, async () => {
        const bad = spec('bad', { settings });
        const validateError = await expectCallError(server.client.validate({ experiment: bad }));
        assert.equal(validateError.code, grpc.status.INVALID_ARGUMENT, validateError.details);
        assert.match(validateError.details, message);
        const callError = await expectCallError(suggest(suggestionsRequest(bad, [], 1)));
        assert.equal(callError.code, grpc.status.INVALID_ARGUMENT, callError.details);
        assert.match(callError.details, message);
      });
    }

    it('its own progress record in an Experiment spec, and one no reply wrote', async () => {
      const preset = spec('preset', { settings: { resource_name: 'epochs', r_l: '9', hyperband_progress: '{"brackets":[[9]],"latest":[]}' } });
      const validateError = await expectCallError(server.client.validate({ experiment: preset }));
      assert.equal(validateError.code, grpc.status.INVALID_ARGUMENT);
      assert.match(validateError.details, /"hyperband_progress" is set in the Experiment/);
      const forged = spec('forged', { settings: { resource_name: 'epochs', r_l: '9', hyperband_progress: '{"brackets":[[99]],"latest":[]}' } });
      const callError = await expectCallError(suggest(suggestionsRequest(forged, [], 1)));
      assert.equal(callError.code, grpc.status.INVALID_ARGUMENT);
      assert.match(callError.details, /"hyperband_progress" is not a record this service wrote \(bracket 0 started 99 of 9/);
    });
  });
});

describe('the hyperband service as a process', () => {
  const suite = processForSuite('hyperband');

  it('restarted in the middle of a bracket, hands out exactly what it would have without the restart', async () => {
    const experimentSpec = spec('restart', { parallel: 3 });
    const options = { experiment: experimentSpec, parallel: 3, max: 22, end: succeed };
    const uninterrupted = await runKatibLoop({ ...options, suggest: (request) => suite.client.getSuggestions(request) });
    let current = suite.client;
    let restarted: ServiceProcess | undefined;
    try {
      const interrupted = await runKatibLoop({
        ...options,
        suggest: (request) => current.getSuggestions(request),
        beforeCall: async (call) => {
          if (call !== 4) return;
          // A new process, as after a pod restart: it knows only what the requests carry.
          restarted = await startServiceProcess('hyperband');
          current = new SuggestionClient(restarted.address);
        },
      });
      assert.ok(restarted !== undefined);
      assert.deepEqual(interrupted.trials.map((t) => t.assignment), uninterrupted.trials.map((t) => t.assignment));
      assertSuccessiveHalving(interrupted.trials, { exactPlan: true });
    } finally {
      if (current !== suite.client) current.close();
      await restarted?.stop();
    }
  });

  it('answers one request the same on another replica', async () => {
    const { requests } = await runKatibLoop({ suggest: (request) => suite.client.getSuggestions(request), experiment: spec('replica', { parallel: 2 }), parallel: 2, max: 12, end: succeed });
    const request = requests[requests.length - 2]!;
    const here = await suite.client.getSuggestions(request);
    await withFreshProcess('hyperband', async (replica) => assert.deepEqual(await replica.getSuggestions(request), here));
  });

  it('keeps a batch distinct from itself and from every trial over the whole assignment, the budget included', async () => {
    const e = spec('distinct', { parallel: 9 });
    const first = assignmentsOf(await suite.client.getSuggestions(suggestionsRequest(e, [], 9)));
    const trials = first.map((a, i) => trial(`t-${i}`, a, 'SUCCEEDED', String(loss(a))));
    const reply = await suite.client.getSuggestions(suggestionsRequest(e, trials, 5));
    const keys = [...first, ...assignmentsOf(reply)].map(assignmentKey);
    assert.equal(new Set(keys).size, keys.length);
  });
});
