import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { standardise, warpLosses } from '../../services/bayesianoptimization/model/gp-targets.js';
import { fitYeoJohnsonLambda, yeoJohnson, yeoJohnsonLogLikelihood } from '../../services/bayesianoptimization/model/output-warping.js';
import { Rng } from '../../shared/random/rng.js';

describe('Yeo-Johnson output warping', () => {
  it('is the identity at lambda 1, log(1 + x) at 0, and -log(1 - x) below zero at 2', () => {
    for (const x of [-3, -0.5, 0, 0.5, 7]) assert.ok(Math.abs(yeoJohnson(x, 1) - x) < 1e-12);
    assert.ok(Math.abs(yeoJohnson(3, 0) - Math.log(4)) < 1e-12);
    assert.ok(Math.abs(yeoJohnson(-3, 2) + Math.log(4)) < 1e-12);
  });

  it('is increasing for every lambda, so it keeps the order of the losses', () => {
    for (const lambda of [-2, -0.7, 0, 0.4, 1, 1.6, 2]) {
      let previous = -Infinity;
      for (let x = -5; x <= 5; x += 0.25) {
        const y = yeoJohnson(x, lambda);
        assert.ok(y > previous, `lambda ${lambda} at ${x}`);
        previous = y;
      }
    }
  });

  it('chooses lambda by likelihood: about 1 for normal data, well below 1 for a long upper tail', () => {
    const rng = new Rng([4, 3, 2, 1]);
    const normal = Array.from({ length: 400 }, () => rng.normal());
    assert.ok(Math.abs(fitYeoJohnsonLambda(normal) - 1) < 0.2, `normal: ${fitYeoJohnsonLambda(normal)}`);
    const skewed = Array.from({ length: 400 }, () => Math.exp(1.5 * rng.normal()));
    const lambda = fitYeoJohnsonLambda(skewed);
    assert.ok(lambda < 0.5, `skewed: ${lambda}`);
    // The chosen lambda beats its neighbours.
    const best = yeoJohnsonLogLikelihood(skewed, lambda);
    assert.ok(best >= yeoJohnsonLogLikelihood(skewed, lambda - 0.05) && best >= yeoJohnsonLogLikelihood(skewed, lambda + 0.05));
  });

  it('turns Rosenbrock-like losses into standardised values with a tamer upper tail, in the same order', () => {
    const losses = [0.5, 3, 12, 40, 150, 900, 25_000, 410_000];
    const warped = warpLosses(losses);
    const plain = standardise(losses).values;
    for (let i = 1; i < warped.length; i++) assert.ok(warped[i]! > warped[i - 1]!);
    assert.ok(Math.abs(warped.reduce((a, b) => a + b, 0)) < 1e-9);
    assert.ok(warped[7]! < plain[7]!, `largest: warped ${warped[7]}, plain ${plain[7]}`);
    // The gap between the two best losses takes a larger share of the whole range than before the warp.
    const share = (values: Float64Array) => (values[1]! - values[0]!) / (values[7]! - values[0]!);
    assert.ok(share(warped) > 2 * share(plain), `${share(warped)} vs ${share(plain)}`);
  });

  it('leaves constant losses at zero', () => {
    assert.deepEqual(Array.from(warpLosses([2, 2, 2])), [0, 0, 0]);
  });
});
