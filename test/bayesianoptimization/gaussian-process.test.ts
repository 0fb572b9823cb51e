import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Matrix, determinant, inverse } from 'ml-matrix';
import { CachedPosterior } from '../../services/bayesianoptimization/model/cached-posterior.js';
import { fitGaussianProcess } from '../../services/bayesianoptimization/model/fit-gaussian-process.js';
import { standardise } from '../../services/bayesianoptimization/model/gp-targets.js';
import { GaussianProcess, type PosteriorWithGradient } from '../../services/bayesianoptimization/model/gaussian-process.js';
import type { Hyperparameters } from '../../services/bayesianoptimization/model/hyperparameter-prior.js';
import { KernelInputs } from '../../services/bayesianoptimization/model/kernel-inputs.js';
import { MarginalLikelihood } from '../../services/bayesianoptimization/model/marginal-likelihood.js';
import { Rng } from '../../shared/random/rng.js';
import { SearchSpace } from '../../shared/space/search-space.js';
import { continuous, mixedSpace, unitCube } from './test-spaces.js';

const SQRT5 = Math.sqrt(5);

/** The Matern 5/2 correlation, written out independently of the implementation. */
function matern(r: number): number {
  return (1 + SQRT5 * r + (5 * r * r) / 3) * Math.exp(-SQRT5 * r);
}

function hyperparameters(lengthScales: number[], signalVariance: number, noiseVariance: number): Hyperparameters {
  return { lengthScales: Float64Array.from(lengthScales), signalVariance, noiseVariance };
}

function logHyperparameters(h: Hyperparameters): Float64Array {
  return Float64Array.from([...Array.from(h.lengthScales, Math.log), Math.log(h.signalVariance), Math.log(h.noiseVariance)]);
}

function posteriorAt(gp: GaussianProcess, point: number[]): { mean: number; variance: number } {
  const mean = new Float64Array(1);
  const variance = new Float64Array(1);
  gp.posterior(Float64Array.from(point), 1, mean, variance);
  return { mean: mean[0]!, variance: variance[0]! };
}

function randomPoints(rng: Rng, count: number, dimensions: number): number[][] {
  return Array.from({ length: count }, () => Array.from({ length: dimensions }, () => rng.uniform()));
}

describe('log marginal likelihood', () => {
  it('equals the closed form of a two-point case', () => {
    const h = hyperparameters([0.4], 1.5, 0.1);
    const y = [1, -0.5];
    const k12 = 1.5 * matern(0.5 / 0.4);
    const diagonal = 1.6;
    const det = diagonal * diagonal - k12 * k12;
    const quadratic = (diagonal * (y[0]! ** 2 + y[1]! ** 2) - 2 * k12 * y[0]! * y[1]!) / det;
    const expected = -0.5 * quadratic - 0.5 * Math.log(det) - Math.log(2 * Math.PI);
    const likelihood = new MarginalLikelihood(Float64Array.from([0.2, 0.7]), Float64Array.from(y), new Uint8Array(1));
    assert.ok(Math.abs(likelihood.evaluate(logHyperparameters(h)) - expected) < 1e-12);
  });

  it('equals a dense computation with a categorical input compared by equality', () => {
    // Rows: [x, category index]. Categories differ -> distance term 1 / l^2; equal -> 0.
    const rows = [[0.1, 0], [0.4, 1], [0.8, 0], [0.5, 2], [0.3, 1]];
    const y = [0.3, -1.2, 0.8, 0.1, -0.4];
    const h = hyperparameters([0.3, 0.7], 0.9, 0.05);
    const kernel = (a: number[], b: number[]) =>
      h.signalVariance * matern(Math.sqrt(((a[0]! - b[0]!) / 0.3) ** 2 + (a[1] === b[1] ? 0 : 1 / 0.49)));
    const K = new Matrix(rows.map((a, i) => rows.map((b, j) => kernel(a, b) + (i === j ? h.noiseVariance : 0))));
    const Y = Matrix.columnVector(y);
    const quadratic = Y.transpose().mmul(inverse(K)).mmul(Y).get(0, 0);
    const expected = -0.5 * quadratic - 0.5 * Math.log(determinant(K)) - 2.5 * Math.log(2 * Math.PI);
    const likelihood = new MarginalLikelihood(Float64Array.from(rows.flat()), Float64Array.from(y), Uint8Array.from([0, 1]));
    assert.ok(Math.abs(likelihood.evaluate(logHyperparameters(h)) - expected) < 1e-10);
  });

  it('has an analytic gradient that matches central finite differences', () => {
    const rng = new Rng([3, 1, 4, 1]);
    const rows = randomPoints(rng, 12, 3).map((row) => [row[0]!, row[1]!, Math.floor(row[2]! * 3)]);
    const y = rows.map((row) => Math.sin(5 * row[0]!) + row[1]! ** 2 + (row[2] === 1 ? 0.5 : 0));
    const likelihood = new MarginalLikelihood(Float64Array.from(rows.flat()), standardise(y).values, Uint8Array.from([0, 0, 1]));
    const theta = Float64Array.from([Math.log(0.3), Math.log(0.8), Math.log(1.2), Math.log(1.3), Math.log(0.02)]);
    const gradient = new Float64Array(theta.length);
    likelihood.evaluate(theta, gradient);
    const step = 1e-6;
    for (let k = 0; k < theta.length; k++) {
      const up = theta.slice();
      const down = theta.slice();
      up[k]! += step;
      down[k]! -= step;
      const numeric = (likelihood.evaluate(up) - likelihood.evaluate(down)) / (2 * step);
      assert.ok(Math.abs(numeric - gradient[k]!) <= 1e-6 * Math.max(1, Math.abs(numeric)), `d/dtheta_${k}: analytic ${gradient[k]}, numeric ${numeric}`);
    }
  });
});

describe('GP posterior', () => {
  const space = new SearchSpace([continuous('x')]);
  const mapping = new KernelInputs(space);
  const xs = [[0.1], [0.35], [0.6], [0.9]];
  const ys = [0.5, -1, 0.3, 1.2];
  const noiseFree = new GaussianProcess(mapping, xs, ys, hyperparameters([0.2], 1, 1e-10), 8);

  it('interpolates noise-free data, with (almost) no variance left at the data points', () => {
    xs.forEach((x, i) => {
      const posterior = posteriorAt(noiseFree, x);
      assert.ok(Math.abs(posterior.mean - ys[i]!) < 1e-6, `mean ${posterior.mean} at ${x}`);
      assert.ok(posterior.variance < 1e-6, `variance ${posterior.variance} at ${x}`);
    });
  });

  it('is more uncertain between data points than at them, and back to the prior far away', () => {
    const between = posteriorAt(noiseFree, [0.475]).variance;
    assert.ok(between > 1e-3 && between < 1, `variance between points ${between}`);
    const gp = new GaussianProcess(mapping, [[0.05]], [1], hyperparameters([0.05], 1, 1e-10), 1);
    assert.ok(Math.abs(posteriorAt(gp, [0.95]).variance - 1) < 1e-9);
    assert.ok(Math.abs(posteriorAt(gp, [0.95]).mean) < 1e-9);
  });

  it('matches the dense posterior formulas with noise', () => {
    const h = hyperparameters([0.3], 2, 0.1);
    const gp = new GaussianProcess(mapping, xs, ys, h, 4);
    const kernel = (a: number, b: number) => h.signalVariance * matern(Math.abs(a - b) / 0.3);
    const K = new Matrix(xs.map(([a], i) => xs.map(([b], j) => kernel(a!, b!) + (i === j ? h.noiseVariance : 0))));
    const Kinv = inverse(K);
    for (const x of [0.0, 0.42, 0.77]) {
      const k = Matrix.columnVector(xs.map(([a]) => kernel(a!, x)));
      const mean = k.transpose().mmul(Kinv).mmul(Matrix.columnVector(ys)).get(0, 0);
      const variance = h.signalVariance - k.transpose().mmul(Kinv).mmul(k).get(0, 0);
      const posterior = posteriorAt(gp, [x]);
      assert.ok(Math.abs(posterior.mean - mean) < 1e-10 && Math.abs(posterior.variance - variance) < 1e-10, `at ${x}`);
    }
  });

  it('snaps integers inside the kernel: positions in one integer cell have one posterior', () => {
    const mixed = new KernelInputs(mixedSpace());
    const gp = new GaussianProcess(mixed, [[0.2, 0.1, 0.1], [0.7, 0.9, 0.5]], [0, 1], hyperparameters([0.3, 0.3, 0.5], 1, 1e-4), 2);
    // n has 8 values, cells of width 1/8: 0.26 and 0.36 are both n = 3; c's cells are thirds.
    const a = posteriorAt(gp, [0.5, 0.26, 0.4]);
    const b = posteriorAt(gp, [0.5, 0.36, 0.6]);
    assert.equal(a.mean, b.mean);
    assert.equal(a.variance, b.variance);
  });

  it('gives the same posterior after an append as a GP built with that observation', () => {
    const h = hyperparameters([0.25, 0.4, 0.6], 1.3, 0.01);
    const mixed = new KernelInputs(mixedSpace());
    const rng = new Rng([5, 5, 5, 5]);
    const points = randomPoints(rng, 7, 3);
    const targets = points.map((p) => p[0]! - p[1]! + p[2]!);
    const grown = new GaussianProcess(mixed, points.slice(0, 5), targets.slice(0, 5), h, 7);
    grown.append(points[5]!, () => targets[5]!);
    grown.append(points[6]!, () => targets[6]!);
    const direct = new GaussianProcess(mixed, points, targets, h, 7);
    for (const probe of randomPoints(rng, 5, 3)) {
      const a = posteriorAt(grown, probe);
      const b = posteriorAt(direct, probe);
      assert.ok(Math.abs(a.mean - b.mean) < 1e-9 && Math.abs(a.variance - b.variance) < 1e-9);
    }
  });

  it('leaves the mean unchanged under a kriging-believer fantasy and shrinks the variance near it', () => {
    const gp = new GaussianProcess(mapping, xs, ys, hyperparameters([0.2], 1, 1e-4), 5);
    const probe = [0.5];
    const before = posteriorAt(gp, probe);
    const fantasy = [0.48];
    gp.append(fantasy, (mean) => mean);
    const after = posteriorAt(gp, probe);
    assert.ok(Math.abs(after.mean - before.mean) < 1e-12);
    assert.ok(after.variance < before.variance / 4, `${after.variance} vs ${before.variance}`);
  });

  it('keeps a cached posterior equal to a fresh one through appends, and its rows give every prefix posterior', () => {
    const h = hyperparameters([0.3, 0.3, 0.5], 1, 1e-3);
    const mixed = new KernelInputs(mixedSpace());
    const rng = new Rng([7, 7, 7, 7]);
    const points = randomPoints(rng, 6, 3);
    const targets = points.map((p) => Math.cos(4 * p[0]!) + p[1]!);
    const gp = new GaussianProcess(mixed, points, targets, h, 8);
    const probes = Float64Array.from(randomPoints(rng, 4, 3).flat());
    const cache = new CachedPosterior(gp, probes, 4, 8);
    // Prefix t of the rows is the posterior of a GP of the first t observations.
    for (const t of [1, 3, 6]) {
      const prefix = new GaussianProcess(mixed, points.slice(0, t), targets.slice(0, t), h, t);
      for (let c = 0; c < 4; c++) {
        const row = cache.whitenedRow(c).subarray(0, t);
        const mean = row.reduce((sum, v, i) => sum + v * gp.whitenedTargets[i]!, 0);
        const variance = h.signalVariance - row.reduce((sum, v) => sum + v * v, 0);
        const expected = posteriorAt(prefix, Array.from(probes.subarray(3 * c, 3 * c + 3)));
        assert.ok(Math.abs(mean - expected.mean) < 1e-9 && Math.abs(variance - expected.variance) < 1e-9, `prefix ${t}, point ${c}`);
      }
    }
    for (const fantasy of randomPoints(rng, 2, 3)) cache.update(gp.append(fantasy, (mean) => mean));
    const mean = new Float64Array(4);
    const variance = new Float64Array(4);
    gp.posterior(probes, 4, mean, variance);
    for (let c = 0; c < 4; c++) {
      assert.ok(Math.abs(cache.mean[c]! - mean[c]!) < 1e-10 && Math.abs(cache.variance[c]! - variance[c]!) < 1e-10);
    }
  });

  it('has a posterior gradient along continuous coordinates that matches finite differences, and none along finite ones', () => {
    const space3 = new SearchSpace([continuous('a'), continuous('b'), ...mixedSpace().dimensions.slice(1)]);
    const mixed = new KernelInputs(space3);
    const rng = new Rng([2, 7, 1, 8]);
    const points = randomPoints(rng, 10, 4);
    const gp = new GaussianProcess(mixed, points, points.map((p) => p[0]! * p[1]! - p[2]!), hyperparameters([0.4, 0.5, 0.6, 0.8], 1.1, 1e-3), 10);
    const at = Float64Array.from([0.37, 0.61, 0.3, 0.5]);
    const out: PosteriorWithGradient = { mean: 0, variance: 0, meanGradient: new Float64Array(4), varianceGradient: new Float64Array(4) };
    gp.posteriorWithGradient(at, out);
    const direct = posteriorAt(gp, Array.from(at));
    assert.ok(Math.abs(out.mean - direct.mean) < 1e-12 && Math.abs(out.variance - direct.variance) < 1e-12);
    for (const j of [0, 1]) {
      const step = 1e-6;
      const up = posteriorAt(gp, Array.from(at, (v, i) => (i === j ? v + step : v)));
      const down = posteriorAt(gp, Array.from(at, (v, i) => (i === j ? v - step : v)));
      assert.ok(Math.abs((up.mean - down.mean) / (2 * step) - out.meanGradient[j]!) < 1e-6, `mean slope along ${j}`);
      assert.ok(Math.abs((up.variance - down.variance) / (2 * step) - out.varianceGradient[j]!) < 1e-6, `variance slope along ${j}`);
    }
    assert.deepEqual([out.meanGradient[2], out.meanGradient[3], out.varianceGradient[2], out.varianceGradient[3]], [0, 0, 0, 0]);
  });
});

describe('fitting the GP', () => {
  it('standardises losses to mean 0 and deviation 1, and survives constant and huge ones', () => {
    const s = standardise([1, 2, 3, 4]);
    assert.ok(Math.abs(s.values.reduce((a, b) => a + b, 0)) < 1e-12);
    assert.ok(Math.abs(s.values.reduce((a, b) => a + b * b, 0) / 4 - 1) < 1e-12);
    assert.deepEqual(Array.from(standardise([5, 5, 5]).values), [0, 0, 0]);
    assert.ok(standardise([1e308, -1e308, 0]).values.every(Number.isFinite));
  });

  it('learns a short length scale along the axis that matters and a long one along the axis that does not', () => {
    const space = unitCube(2);
    const rng = new Rng([1, 1, 2, 3]);
    const points = randomPoints(rng, 30, 2);
    const fitted = fitGaussianProcess(new KernelInputs(space), points, points.map((p) => Math.sin(8 * p[0]!)), new Rng([4, 4, 4, 4]), 0);
    const [relevant, irrelevant] = fitted.hyperparameters.lengthScales;
    assert.ok(relevant! < 0.5 && irrelevant! > 2 * relevant!, `length scales ${relevant}, ${irrelevant}`);
    assert.ok(fitted.hyperparameters.noiseVariance < 0.01, `noise ${fitted.hyperparameters.noiseVariance}`);
  });

  it('fits duplicate points and constant losses without NaN', () => {
    const space = unitCube(2);
    const points = [[0.5, 0.5], [0.5, 0.5], [0.2, 0.8], [0.2, 0.8]];
    for (const losses of [[1, 1, 1, 1], [1, 2, 3, 4]]) {
      const fitted = fitGaussianProcess(new KernelInputs(space), points, losses, new Rng([1, 2, 3, 4]), 2);
      const posterior = posteriorAt(fitted.gp, [0.3, 0.3]);
      assert.ok(Number.isFinite(posterior.mean) && Number.isFinite(posterior.variance), JSON.stringify(posterior));
    }
  });
});
