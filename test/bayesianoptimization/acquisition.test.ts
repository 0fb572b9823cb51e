import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AcquisitionFunction, utilityFor } from '../../services/bayesianoptimization/acquisition/acquisition-function.js';
import { logH, LogExpectedImprovement } from '../../services/bayesianoptimization/acquisition/expected-improvement.js';
import { hedgeProbabilities } from '../../services/bayesianoptimization/acquisition/gp-hedge.js';
import { NegatedLowerConfidenceBound } from '../../services/bayesianoptimization/acquisition/lower-confidence-bound.js';
import type { PosteriorUtility } from '../../services/bayesianoptimization/acquisition/posterior-utility.js';
import { LogProbabilityOfImprovement } from '../../services/bayesianoptimization/acquisition/probability-of-improvement.js';
import { CachedPosterior } from '../../services/bayesianoptimization/model/cached-posterior.js';
import { GaussianProcess } from '../../services/bayesianoptimization/model/gaussian-process.js';
import { KernelInputs } from '../../services/bayesianoptimization/model/kernel-inputs.js';
import { normalCdf, normalPdf } from '../../shared/numeric/normal.js';
import { Rng } from '../../shared/random/rng.js';
import { SearchSpace } from '../../shared/space/search-space.js';
import { continuous, integer } from './test-spaces.js';

describe('log expected improvement', () => {
  it('equals log(z Phi(z) + phi(z)) where that is computable', () => {
    for (const z of [-6, -3, -1.5, -1, -0.5, 0, 0.7, 3]) {
      const direct = Math.log(z * normalCdf(z) + normalPdf(z));
      assert.ok(Math.abs(logH(z) - direct) < 1e-9 * Math.max(1, Math.abs(direct)), `z=${z}: ${logH(z)} vs ${direct}`);
    }
  });

  it('stays finite and increasing far in the tail, following phi(z) / z^2', () => {
    let previous = -Infinity;
    for (const z of [-1e12, -1e8, -1e4, -100, -40, -10]) {
      const value = logH(z);
      assert.ok(Number.isFinite(value) && value > previous, `z=${z}`);
      previous = value;
    }
    const z = -1e4;
    const asymptotic = -0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - 2 * Math.log(-z);
    assert.ok(Math.abs(logH(z) - asymptotic) < 1e-6);
  });

  it('prefers a lower mean at equal uncertainty, and more uncertainty at equal mean', () => {
    const ei = new LogExpectedImprovement(0, 0.01);
    assert.ok(ei.value(-0.5, 0.3) > ei.value(0.5, 0.3));
    assert.ok(ei.value(1, 0.8) > ei.value(1, 0.2));
  });
});

describe('posterior utilities have slopes that match finite differences', () => {
  const utilities: PosteriorUtility[] = [
    new LogExpectedImprovement(-0.2, 0.01),
    new LogProbabilityOfImprovement(-0.2, 0.01),
    new NegatedLowerConfidenceBound(1.96),
  ];
  for (const utility of utilities) {
    it(utility.name, () => {
      for (const [mean, sd] of [[0.3, 0.5], [-1, 0.1], [4, 0.2], [-0.2, 2]] as const) {
        const slopes = { mean: 0, sd: 0 };
        const value = utility.valueAndSlopes(mean, sd, slopes);
        assert.equal(value, utility.value(mean, sd));
        const h = 1e-6;
        const dMean = (utility.value(mean + h, sd) - utility.value(mean - h, sd)) / (2 * h);
        const dSd = (utility.value(mean, sd + h) - utility.value(mean, sd - h)) / (2 * h);
        assert.ok(Math.abs(dMean - slopes.mean) < 1e-5 * Math.max(1, Math.abs(dMean)), `d/dmean at ${mean}, ${sd}: ${slopes.mean} vs ${dMean}`);
        assert.ok(Math.abs(dSd - slopes.sd) < 1e-5 * Math.max(1, Math.abs(dSd)), `d/dsd at ${mean}, ${sd}: ${slopes.sd} vs ${dSd}`);
      }
    });
  }
});

describe('acquisition functions on a GP', () => {
  const space = new SearchSpace([continuous('a'), continuous('b'), integer('n', 1, 5)]);
  const mapping = new KernelInputs(space);
  const rng = new Rng([8, 6, 7, 5]);
  const points = Array.from({ length: 12 }, () => [rng.uniform(), rng.uniform(), rng.uniform()]);
  const gp = new GaussianProcess(
    mapping,
    points,
    points.map((p) => (p[0]! - 0.3) ** 2 + (p[1]! - 0.6) ** 2 + p[2]! / 5),
    { lengthScales: Float64Array.from([0.3, 0.4, 0.5]), signalVariance: 1, noiseVariance: 1e-4 },
    12,
  );

  for (const name of ['EI', 'PI', 'LCB'] as const) {
    it(`${name}: the gradient along continuous coordinates matches finite differences`, () => {
      const acquisition = new AcquisitionFunction(gp, utilityFor(name, 0.05));
      const at = Float64Array.from([0.41, 0.52, 0.5]);
      const gradient = new Float64Array(3);
      const value = acquisition.valueAndGradient(at, gradient);
      assert.ok(Math.abs(value - acquisition.values(at, 1)[0]!) < 1e-12);
      for (const j of [0, 1]) {
        const h = 1e-6;
        const up = at.slice();
        const down = at.slice();
        up[j]! += h;
        down[j]! -= h;
        const numeric = (acquisition.values(up, 1)[0]! - acquisition.values(down, 1)[0]!) / (2 * h);
        assert.ok(Math.abs(numeric - gradient[j]!) < 1e-5 * Math.max(1, Math.abs(numeric)), `${name} along ${j}: ${gradient[j]} vs ${numeric}`);
      }
      assert.equal(gradient[2], 0);
    });
  }

  it('gp_hedge gives a probability to each of EI, PI and LCB: uniform with no round to replay, a distribution after', () => {
    const cover = Float64Array.from(Array.from({ length: 64 * 3 }, () => rng.uniform()));
    const cached = new CachedPosterior(gp, cover, 64, 12);
    const indices = Array.from({ length: 64 }, (_, i) => i);
    const losses = Float64Array.from(points, (p) => p[0]!);
    const none = hedgeProbabilities(cached, indices, gp.whitenedTargets, gp.priorVariance, losses, 12);
    assert.deepEqual(Array.from(none), [1 / 3, 1 / 3, 1 / 3]);
    const replayed = hedgeProbabilities(cached, indices, gp.whitenedTargets, gp.priorVariance, losses, 2);
    assert.ok(Math.abs(replayed.reduce((a, b) => a + b, 0) - 1) < 1e-12);
    assert.ok(replayed.every((p) => p > 0 && p < 1));
    assert.notDeepEqual(Array.from(replayed), Array.from(none));
  });
});
