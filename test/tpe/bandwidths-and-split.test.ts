import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { neighbourGapBandwidths } from '../../services/tpe/bandwidths.js';
import { goodSetSize, improvementWeights, rampWeights, splitByLoss } from '../../services/tpe/history-split.js';

describe('bandwidths', () => {
  it('take the larger neighbour gap, the inner gap at the ends, and respect the magic clip', () => {
    // Sorted 0.2, 0.5, 0.6 with the prior: 4 kernels, so sigma >= 1/5.
    const sigmas = neighbourGapBandwidths(Float64Array.from([0.6, 0.2, 0.5]), 4);
    assert.deepEqual(Array.from(sigmas).map((s) => Number(s.toFixed(12))), [0.2, 0.3, 0.3]);
  });

  it('give a lone centre the larger distance to the domain bounds', () => {
    assert.ok(Math.abs(neighbourGapBandwidths(Float64Array.from([0.3]), 2)[0]! - 0.7) < 1e-15);
  });

  it('never shrink below 1/100 of the domain or grow beyond it, whatever the crowding', () => {
    const crowded = Float64Array.from({ length: 500 }, (_, i) => 0.5 + i * 1e-9);
    for (const sigma of neighbourGapBandwidths(crowded, 501)) assert.equal(sigma, 0.01);
    const two = neighbourGapBandwidths(Float64Array.from([0, 0]), 3);
    assert.deepEqual(Array.from(two), [0.25, 0.25]);
  });
});

describe('history split', () => {
  it('sizes the good set by optuna\'s rule by default and by hyperopt\'s when gamma is given, capped at 25', () => {
    assert.deepEqual([1, 10, 11, 40, 240, 1000].map((n) => goodSetSize(n, undefined)), [1, 1, 2, 4, 24, 25]);
    assert.deepEqual([1, 16, 100, 10_000].map((n) => goodSetSize(n, 0.25)), [1, 1, 3, 25]);
    assert.equal(goodSetSize(0, undefined), 0);
  });

  it('puts the lowest losses in the good set, both sets ranked best first, ties to the earlier trial', () => {
    assert.deepEqual(splitByLoss([5, 1, 3, 1, 9], 2), { good: [1, 3], bad: [2, 0, 4] });
    assert.deepEqual(splitByLoss([2, 2, 2], 1), { good: [0], bad: [1, 2] });
    assert.deepEqual(splitByLoss([4, 3], 0), { good: [], bad: [1, 0] });
  });

  it('weighs every observation 1 up to 25, then ramps the earlier ones down linearly from 1/n', () => {
    assert.deepEqual(Array.from(rampWeights(25)), new Array(25).fill(1));
    const weights = rampWeights(35);
    assert.equal(weights[0], 1 / 35);
    for (let i = 1; i < 10; i++) assert.ok(weights[i]! > weights[i - 1]! && weights[i]! < 1);
    assert.deepEqual(Array.from(weights.subarray(10)), new Array(25).fill(1));
  });

  it('weighs the good set by improvement on the best bad loss, scaled to average 1', () => {
    assert.deepEqual(Array.from(improvementWeights([1, 3, 4], 5)), [2, 1, 0.5].map((w) => (w * 3) / 3.5));
    const tied = improvementWeights([2, 2], 2);
    assert.deepEqual(Array.from(tied), [1, 1]);
    const nearlyTied = improvementWeights([0, 5], 5);
    assert.ok(nearlyTied[1]! > 0 && nearlyTied[1]! < 1e-11 && Math.abs(nearlyTied[0]! - 2) < 1e-11);
  });
});
