import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { comparePaired, signTestPValue } from '../../bench/measures/paired-test.js';

/** Regrets by seed 0, 1, 2, ... */
function bySeed(values: readonly number[]): Map<number, number> {
  return new Map(values.map((value, seed) => [seed, value]));
}

describe('exact two-sided sign test', () => {
  it('gives the hand-worked binomial tails', () => {
    // n = 10: 2 * (C(10,0) + C(10,1) + C(10,2)) / 2^10 = 2 * 56 / 1024.
    assertClose(signTestPValue(8, 2), 112 / 1024);
    assertClose(signTestPValue(2, 8), 112 / 1024);
    // 2 * (1 + 10) / 1024.
    assertClose(signTestPValue(9, 1), 22 / 1024);
    // n = 30: C(30,0..9) sum to 22,964,087; with C(30,10) = 30,045,015 they sum to 53,009,102.
    assertClose(signTestPValue(21, 9), (2 * 22_964_087) / 2 ** 30);
    assertClose(signTestPValue(20, 10), (2 * 53_009_102) / 2 ** 30);
    // All 30 one way: 2 / 2^30.
    assertClose(signTestPValue(30, 0), 2 / 2 ** 30);
  });

  it('is 1 when there is nothing to tell, or the two tails overlap', () => {
    assert.equal(signTestPValue(0, 0), 1);
    assert.equal(signTestPValue(15, 15), 1);
    assert.equal(signTestPValue(1, 0), 1);
    // n = 3, k = 1: 2 * (1 + 3) / 8 = 1.
    assert.equal(signTestPValue(2, 1), 1);
  });

  it('stays a probability for thousands of pairs', () => {
    const p = signTestPValue(2_100, 1_900);
    assert.ok(p > 0.001 && p < 0.01, `p = ${p}`);
    assert.ok(signTestPValue(3_000, 0) === 0 || signTestPValue(3_000, 0) < 1e-300);
  });
});

describe('paired comparison of two targets', () => {
  it('says ahead or behind only where the test rejects equality at 5%', () => {
    // 21 seeds better, 9 worse: p = 0.0428.
    const ours = bySeed([...Array(21).fill(1), ...Array(9).fill(3)]);
    const theirs = bySeed(Array(30).fill(2));
    const result = comparePaired(ours, theirs);
    assert.deepEqual([result.pairs, result.wins, result.losses, result.ties, result.verdict], [30, 21, 9, 0, 'ahead']);
    assertClose(result.pValue, (2 * 22_964_087) / 2 ** 30);
    assert.equal(comparePaired(theirs, ours).verdict, 'behind');
    // 20 against 10: p = 0.0987, not significant.
    const close = bySeed([...Array(20).fill(1), ...Array(10).fill(3)]);
    assert.equal(comparePaired(close, theirs).verdict, 'tied');
  });

  it('leaves equal regrets out of the test and pairs only the seeds both ran', () => {
    // Seeds 0-8: 9 wins, seed 9: a loss, seeds 10-14: equal (counted as ties), seed 15: only ours ran.
    const ours = bySeed([...Array(9).fill(0.5), 4, ...Array(5).fill(0), 0.1]);
    const theirs = bySeed([...Array(9).fill(1), 2, ...Array(5).fill(0)]);
    const result = comparePaired(ours, theirs);
    assert.deepEqual([result.pairs, result.wins, result.losses, result.ties], [15, 9, 1, 5]);
    assertClose(result.pValue, 22 / 1024);
    assert.equal(result.verdict, 'ahead');
  });

  it('counts a run that found nothing (infinite regret) as the worse one, and two such runs as a tie', () => {
    const result = comparePaired(bySeed([Infinity, Infinity, 1]), bySeed([Infinity, 2, 0.5]));
    assert.deepEqual([result.wins, result.losses, result.ties], [0, 2, 1]);
  });

  it('takes another significance level', () => {
    const ours = bySeed([...Array(20).fill(1), ...Array(10).fill(3)]);
    const theirs = bySeed(Array(30).fill(2));
    assert.equal(comparePaired(ours, theirs, 0.1).verdict, 'ahead');
  });
});

function assertClose(actual: number, expected: number): void {
  assert.ok(Math.abs(actual - expected) <= 1e-12 * expected, `${actual} is not ${expected}`);
}
