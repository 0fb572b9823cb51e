import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetsOf, hyperbandPlan } from '../../services/hyperband/bracket-plan.js';
import { BracketState, recordSlot, type Outcome } from '../../services/hyperband/bracket-state.js';
import { formatProgress, parseProgress } from '../../services/hyperband/progress-record.js';

const shape = (maxBudget: number, eta: number, integer: boolean) =>
  hyperbandPlan(maxBudget, eta, integer).brackets.map((bracket) => bracket.rungs.map((rung) => `${rung.size}@${rung.budget}`));

describe('bracket arithmetic', () => {
  it("R = 81, eta = 3 gives the paper's table: five brackets, 81 configurations at budget 1 down to 5 at 81", () => {
    assert.deepEqual(shape(81, 3, true), [
      ['81@1', '27@3', '9@9', '3@27', '1@81'],
      ['34@3', '11@9', '3@27', '1@81'],
      ['15@9', '5@27', '1@81'],
      ['8@27', '2@81'],
      ['5@81'],
    ]);
    assert.equal(hyperbandPlan(81, 3, true).trialsPerRun, 121 + 49 + 21 + 10 + 5);
  });

  it("Katib's example (r_l 2, eta 2): two brackets, five trials", () => {
    assert.deepEqual(shape(2, 2, true), [['2@1', '1@2'], ['2@2']]);
    assert.equal(hyperbandPlan(2, 2, true).trialsPerRun, 5);
  });

  it('s_max survives floating point: 3^5 fits r_l 243 and 10^3 fits 1000', () => {
    assert.equal(hyperbandPlan(243, 3, true).sMax, 5);
    assert.equal(hyperbandPlan(1000, 10, true).sMax, 3);
    assert.equal(hyperbandPlan(242.9, 3, true).sMax, 4);
  });

  it('INT budgets round down and stay distinct along a bracket; DOUBLE budgets are exact fractions of r_l', () => {
    assert.deepEqual(shape(10, 3, true), [['9@1', '3@3', '1@10'], ['5@3', '1@10'], ['3@10']]);
    const fractions = budgetsOf(hyperbandPlan(1, 3, false));
    assert.deepEqual(fractions, [1]);
    const doubles = budgetsOf(hyperbandPlan(0.9, 3, false));
    assert.deepEqual(doubles, [0.9]);
    assert.deepEqual(budgetsOf(hyperbandPlan(9, 3, false)), [1, 3, 9]);
  });

  it('a real eta works as the paper allows: eta 2.5 and r_l 6.25 make three brackets', () => {
    const plan = hyperbandPlan(6.25, 2.5, false);
    assert.equal(plan.sMax, 2);
    assert.deepEqual(plan.brackets[0]!.rungs.map((rung) => rung.size), [7, 2, 1]);
  });

  it('an r_l below eta is one bracket of one rung: plain random search at r_l', () => {
    assert.deepEqual(shape(2, 3, true), [['1@2']]);
  });
});

describe('promotion in one bracket', () => {
  const bracket = hyperbandPlan(9, 3, true).brackets[0]!; // 9@1, 3@3, 1@9
  const state = (progress: { started: number; promoted: number[][] }, outcomes: Record<string, Outcome>) =>
    new BracketState(0, bracket, progress, (configuration, rung) => outcomes[`${configuration}@${rung}`] ?? { kind: 'ended' });
  const done = (loss: number): Outcome => ({ kind: 'completed', loss });

  it('queues the first rung across calls, then waits while any member is still running', () => {
    const outcomes: Record<string, Outcome> = {};
    assert.equal(state({ started: 0, promoted: [] }, outcomes).available().length, 9);
    assert.deepEqual(state({ started: 4, promoted: [] }, outcomes).available().map((slot) => slot.source), [4, 5, 6, 7, 8]);
    for (let c = 0; c < 9; c++) outcomes[`${c}@0`] = c === 3 ? { kind: 'pending' } : done(10 - c);
    const waiting = state({ started: 9, promoted: [] }, outcomes);
    assert.deepEqual(waiting.available(), []);
    assert.equal(waiting.waitingFor, 1);
    assert.equal(waiting.remaining, 4);
  });

  it('promotes the best third of the rung once every member has an outcome, best first', () => {
    const outcomes: Record<string, Outcome> = {};
    for (let c = 0; c < 9; c++) outcomes[`${c}@0`] = done([5, 3, 8, 1, 9, 2, 7, 6, 4][c]!);
    const ready = state({ started: 9, promoted: [] }, outcomes);
    assert.deepEqual(ready.available().map((slot) => [slot.rung, slot.configuration]), [[1, 3], [1, 5], [1, 1]]);
  });

  it('promotes from what reported: failed and missing members are passed over, and a rung with fewer survivors than places shrinks', () => {
    const outcomes: Record<string, Outcome> = { '0@0': done(4), '1@0': { kind: 'ended' }, '2@0': done(1) };
    // Members 3..8 are not in the request at all (MetricsUnavailable): they count as ended, and nothing waits.
    const ready = state({ started: 9, promoted: [] }, outcomes);
    assert.deepEqual(ready.available().map((slot) => slot.configuration), [2, 0]);
    const progress = { started: 9, promoted: [] as number[][] };
    for (const slot of ready.available()) recordSlot(progress, slot);
    assert.deepEqual(progress.promoted, [[2, 0]]);
    outcomes['2@1'] = done(0.5);
    outcomes['0@1'] = { kind: 'ended' };
    const last = state(progress, outcomes);
    assert.deepEqual(last.available().map((slot) => [slot.rung, slot.configuration]), [[2, 2]]);
  });

  it('waits for the members the previous reply handed out that the request does not show yet', () => {
    const outcomes: Record<string, Outcome> = {};
    for (let c = 0; c < 6; c++) outcomes[`${c}@0`] = done(c);
    // Members 6..8 came with the last reply and are not in the request: Katib may not have seen their Trials.
    const lagging = new BracketState(0, bracket, { started: 9, promoted: [] }, (configuration, rung) => outcomes[`${configuration}@${rung}`], 3);
    assert.deepEqual(lagging.available(), []);
    assert.equal(lagging.waitingFor, 3);
    assert.equal(lagging.done, false);
    // One reply later they are still missing: ended (MetricsUnavailable), and the rung is ranked without them.
    const missing = new BracketState(0, bracket, { started: 9, promoted: [] }, (configuration, rung) => outcomes[`${configuration}@${rung}`], 0);
    assert.deepEqual(missing.available().map((slot) => slot.configuration), [0, 1, 2]);
  });

  it('ends a bracket whose rung had no member complete, and one whose last rung is out', () => {
    assert.equal(state({ started: 9, promoted: [] }, {}).done, true);
    const outcomes: Record<string, Outcome> = { '0@0': done(1), '0@1': done(1) };
    assert.equal(state({ started: 9, promoted: [[0], [0]] }, outcomes).done, true);
    assert.equal(state({ started: 9, promoted: [[0]] }, outcomes).done, false);
  });
});

describe('the progress record', () => {
  const plan = hyperbandPlan(9, 3, true);

  it('round-trips: one list per bracket, and what the latest reply handed out', () => {
    const record = { brackets: [{ started: 9, promoted: [[4, 0, 7], [1]] }, { started: 2, promoted: [] }], latest: new Map([[1, 2]]) };
    const text = formatProgress(record);
    assert.equal(text, '{"brackets":[[9,[4,0,7],[1]],[2]],"latest":[[1,2]]}');
    assert.deepEqual(parseProgress(text, plan), record);
  });

  it('refuses what no reply of ours wrote, naming the setting', () => {
    const bad = ['nope', '[]', '{}', '[[9]]', ...['[[10]]', '[[9,[9]]]', '[[9,[1,1]]]', '[[9,[0],[0],[0]]]', '[[2,[0,1,2,3]]]', '[[-1]]'].map((brackets) => `{"brackets":${brackets},"latest":[]}`)];
    bad.push('{"brackets":[[9]],"latest":[[1,1]]}', '{"brackets":[[9,[1]]],"latest":[[0,2]]}', '{"brackets":[[9]],"latest":[[0,1],[0,1]]}');
    for (const text of bad) assert.throws(() => parseProgress(text, plan), /hyperband_progress/, text);
  });
});
