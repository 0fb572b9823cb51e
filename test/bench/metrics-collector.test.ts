import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { earlyStoppingStep } from '../../bench/controller/metrics-collector.js';
import type { EarlyStoppingRule__Output } from '../../shared/wire/generated/api/v1/beta1/EarlyStoppingRule.js';

const minimize = { metricName: 'loss', type: 'minimize' } as const;
const maximize = { metricName: 'accuracy', type: 'maximize' } as const;

function rule(value: string, comparison: EarlyStoppingRule__Output['comparison'], startStep: number, name = 'loss'): EarlyStoppingRule__Output {
  return { name, value, comparison, start_step: startStep };
}

describe("the simulated metrics collector applies rules as Katib's file metrics collector does", () => {
  it('runs a trial without rules to the end', () => {
    assert.equal(earlyStoppingStep([5, 4, 3], [], minimize), undefined);
  });

  it('compares a rule with a start step once, at exactly that many reports', () => {
    // Worse than 2 at the third report: stopped there.
    assert.equal(earlyStoppingStep([5, 4, 3, 2.5, 1], [rule('2', 'GREATER', 3)], minimize), 3);
    // Better at the third report, worse later: a start-step rule is never looked at again.
    assert.equal(earlyStoppingStep([5, 4, 1.5, 9, 9, 9], [rule('2', 'GREATER', 3)], minimize), undefined);
    // Fewer reports than the start step: never compared.
    assert.equal(earlyStoppingStep([9, 9], [rule('2', 'GREATER', 3)], minimize), undefined);
  });

  it('compares the best value so far of the objective, not the latest', () => {
    // The third report (7) is worse than 2, but the best so far (1) is not.
    assert.equal(earlyStoppingStep([1, 4, 7], [rule('2', 'GREATER', 3)], minimize), undefined);
    assert.equal(earlyStoppingStep([0.5, 0.9, 0.2], [rule('0.6', 'LESS', 3, 'accuracy')], maximize), undefined);
    assert.equal(earlyStoppingStep([0.5, 0.4, 0.2], [rule('0.6', 'LESS', 3, 'accuracy')], maximize), 3);
  });

  it('compares a rule without a start step at every report', () => {
    assert.equal(earlyStoppingStep([5, 4, 3, 2.5, 1], [rule('3.5', 'LESS', 0)], minimize), 3);
  });

  it('stops only once every rule is met, and never on a rule for another metric', () => {
    assert.equal(earlyStoppingStep([5, 4, 3, 2], [rule('4.5', 'LESS', 0), rule('2.5', 'LESS', 0)], minimize), 4);
    assert.equal(earlyStoppingStep([5, 4, 3, 2], [rule('4.5', 'LESS', 0), rule('1', 'GREATER', 0, 'accuracy')], minimize), undefined);
  });

  it('reads inf the way Go does, and a diverged report keeps the best finite value before it', () => {
    assert.equal(earlyStoppingStep([3, Infinity, Infinity], [rule('2', 'GREATER', 3)], minimize), 3);
    assert.equal(earlyStoppingStep([1, Infinity, Infinity], [rule('2', 'GREATER', 3)], minimize), undefined);
    assert.equal(earlyStoppingStep([3, 3, 3], [rule('inf', 'LESS', 2)], minimize), 2);
  });

  it('fails on a rule value that is no number, as the collector exits on one', () => {
    assert.throws(() => earlyStoppingStep([1, 2], [rule('median', 'GREATER', 1)], minimize), /value "median" is not a number/);
  });
});
