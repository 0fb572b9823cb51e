import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeDimensions, type ParzenDimension } from '../../services/tpe/parzen-dimensions.js';
import { ParzenEstimator } from '../../services/tpe/parzen-estimator.js';
import { rngFromText } from '../../shared/random/seed.js';
import { ListDimension } from '../../shared/space/list-dimension.js';
import { NumericDimension } from '../../shared/space/numeric-dimension.js';
import { SearchSpace } from '../../shared/space/search-space.js';

const continuous: ParzenDimension = { kind: 'numeric', prior: { centre: 0.5, sigma: 1 }, lattice: undefined };
const ones = (n: number) => new Float64Array(n).fill(1);

function estimator(dimensions: ParzenDimension[], points: number[][], options: { multivariate: boolean; priorWeight?: number; weights?: number[] }) {
  return new ParzenEstimator(dimensions, Float64Array.from(points.flat()), options.weights ? Float64Array.from(options.weights) : ones(points.length), {
    priorWeight: options.priorWeight ?? 1,
    multivariate: options.multivariate,
  });
}

/** The density integrated over [low, high] of a 1-D estimator by the midpoint rule on `steps` cells. */
function integrate(model: ParzenEstimator, low: number, high: number, steps: number): number {
  const width = (high - low) / steps;
  const xs = Float64Array.from({ length: steps }, (_, i) => low + (i + 0.5) * width);
  return model.logPdf(xs).reduce((sum, log) => sum + Math.exp(log) * width, 0);
}

function latticeSpace(): SearchSpace {
  return new SearchSpace([new NumericDimension({ name: 'n', kind: 'int', min: 1, max: 12, step: undefined, logScale: true, normalPrior: false })]);
}

describe('Parzen estimator', () => {
  for (const multivariate of [false, true]) {
    it(`integrates to 1 over a continuous dimension (${multivariate ? 'multivariate' : 'univariate'})`, () => {
      const model = estimator([continuous], [[0.1], [0.15], [0.8], [0.999]], { multivariate, weights: [1, 0.5, 1, 2] });
      assert.ok(Math.abs(integrate(model, 0, 1, 20_000) - 1) < 1e-6);
    });
  }

  it('integrates to 1 over two continuous dimensions with joint kernels', () => {
    const model = estimator([continuous, continuous], [[0.1, 0.9], [0.4, 0.45], [0.7, 0.2]], { multivariate: true });
    const steps = 300;
    const points = new Float64Array(steps * steps * 2);
    for (let i = 0; i < steps; i++) {
      for (let j = 0; j < steps; j++) {
        points[(i * steps + j) * 2] = (i + 0.5) / steps;
        points[(i * steps + j) * 2 + 1] = (j + 0.5) / steps;
      }
    }
    const total = model.logPdf(points).reduce((sum, log) => sum + Math.exp(log), 0) / (steps * steps);
    assert.ok(Math.abs(total - 1) < 1e-4, String(total));
  });

  it('gives a lattice value the mass the continuous kernels put on its cell, and these masses sum to 1', () => {
    const space = latticeSpace();
    const dimension = space.dimensions[0]!;
    const [lattice] = describeDimensions(space);
    assert.equal(lattice!.kind, 'numeric');
    const observed = [[dimension.encode('2')], [dimension.encode('3')], [dimension.encode('11')]];
    const discrete = estimator([lattice!], observed, { multivariate: false });
    const smooth = estimator([{ ...(lattice as Extract<ParzenDimension, { kind: 'numeric' }>), lattice: undefined }], observed, { multivariate: false });
    let total = 0;
    for (let index = 0; index < dimension.size; index++) {
      const centre = dimension.unitOfIndex(index);
      const probability = Math.exp(discrete.logPdf(Float64Array.of(centre))[0]!);
      const low = index === 0 ? 0 : (dimension.unitOfIndex(index - 1) + centre) / 2;
      const high = index === dimension.size - 1 ? 1 : (centre + dimension.unitOfIndex(index + 1)) / 2;
      assert.ok(Math.abs(probability - integrate(smooth, low, high, 4000)) < 1e-8, `value ${dimension.decode(centre)}`);
      total += probability;
    }
    assert.ok(Math.abs(total - 1) < 1e-12, String(total));
  });

  it('smooths categorical kernels by prior_weight / kernels and mixes in a uniform prior', () => {
    const space = new SearchSpace([new ListDimension('opt', 'categorical', ['a', 'b', 'c'])]);
    const [list] = describeDimensions(space);
    const at = (index: number) => space.dimensions[0]!.unitOfIndex(index);
    const model = estimator([list!], [[at(0)], [at(0)], [at(1)]], { multivariate: false });
    // Four kernels (three observed, one prior), each weighing 1/4. An observed kernel gives its own value
    // (1 + 1/4) / (1 + 3/4) and every other value (1/4) / (1 + 3/4); the prior gives 1/3 to each.
    const expected = [(2 * 1.25 + 0.25) / 1.75 / 4 + 1 / 12, (2 * 0.25 + 1.25) / 1.75 / 4 + 1 / 12, (3 * 0.25) / 1.75 / 4 + 1 / 12];
    const probabilities = Array.from(model.logPdf(Float64Array.from([0, 1, 2].map(at))), Math.exp);
    probabilities.forEach((p, i) => assert.ok(Math.abs(p - expected[i]!) < 1e-12, `${p} vs ${expected[i]}`));

    const draws = model.sample(rngFromText('categorical draws'), 60_000);
    const counts = [0, 0, 0];
    for (const u of draws) counts[space.dimensions[0]!.indexOfUnit(u)]!++;
    counts.forEach((count, i) => assert.ok(Math.abs(count / 60_000 - expected[i]!) < 0.01, `value ${i}: ${count / 60_000} vs ${expected[i]}`));
  });

  it('draws continuous samples inside the domain that follow its density', () => {
    const model = estimator([continuous], [[0.05], [0.3], [0.35], [0.9]], { multivariate: false, weights: [2, 1, 1, 0.5] });
    const draws = model.sample(rngFromText('continuous draws'), 40_000);
    assert.ok(draws.every((u) => u >= 0 && u <= 1));
    for (const cut of [0.1, 0.25, 0.5, 0.8]) {
      const empirical = draws.filter((u) => u <= cut).length / draws.length;
      assert.ok(Math.abs(empirical - integrate(model, 0, cut, 5000)) < 0.01, `P(u <= ${cut}) ${empirical}`);
    }
  });

  it('scores pairs jointly in multivariate mode and independently in univariate mode', () => {
    const observed = [[0.2, 0.2], [0.25, 0.25], [0.75, 0.75], [0.8, 0.8]];
    const probes = Float64Array.from([0.2, 0.2, 0.2, 0.8]);
    const [joint, mixed] = estimator([continuous, continuous], observed, { multivariate: true }).logPdf(probes);
    assert.ok(joint! - mixed! > 1, 'an unseen combination of seen values is unlikely under joint kernels');
    const [first, second] = estimator([continuous, continuous], observed, { multivariate: false }).logPdf(probes);
    assert.ok(Math.abs(first! - second!) < 1e-12, 'independent kernels cannot tell the combinations apart');
    const sameSideShare = (multivariate: boolean) => {
      const draws = estimator([continuous, continuous], observed, { multivariate }).sample(rngFromText('pairs'), 4000);
      let sameSide = 0;
      for (let p = 0; p < 4000; p++) if (draws[2 * p]! < 0.5 === draws[2 * p + 1]! < 0.5) sameSide++;
      return sameSide / 4000;
    };
    // Independent coordinates land on the same side of 0.5 half the time; joint draws keep the observed pairing.
    assert.ok(sameSideShare(true) > 0.65, `joint: ${sameSideShare(true)}`);
    assert.ok(Math.abs(sameSideShare(false) - 0.5) < 0.05, `independent: ${sameSideShare(false)}`);
  });

  it('lets heavier observations and a heavier prior pull the density towards them', () => {
    const light = estimator([continuous], [[0.2], [0.8]], { multivariate: false, weights: [1, 0.1] });
    const [nearHeavy, nearLight] = light.logPdf(Float64Array.of(0.2, 0.8));
    assert.ok(nearHeavy! > nearLight!);
    const flat = (priorWeight: number) => {
      const [peak, valley] = estimator([continuous], [[0.1], [0.12]], { multivariate: false, priorWeight }).logPdf(Float64Array.of(0.11, 0.9));
      return peak! - valley!;
    };
    assert.ok(flat(10) < flat(1), 'a heavier prior flattens the density');
  });

  it('with no observations is the prior alone, and a NORMAL parameter\'s prior is its declared distribution', () => {
    const space = new SearchSpace([new NumericDimension({ name: 'x', kind: 'double', min: 0, max: 6, step: undefined, logScale: false, normalPrior: true })]);
    const [normal] = describeDimensions(space);
    assert.deepEqual((normal as Extract<ParzenDimension, { kind: 'numeric' }>).prior, { centre: 0.5, sigma: 1 / 6 });
    const model = estimator([normal!], [], { multivariate: false });
    const [centre, edge] = model.logPdf(Float64Array.of(0.5, 0));
    // Truncation at +-3 sigma leaves the normal's shape: the density ratio centre / edge is exp(4.5).
    assert.ok(Math.abs(centre! - edge! - 4.5) < 1e-12);
  });
});
