import { choleskyWithJitter, solveLower, solveLowerTransposed } from '../../../shared/numeric/cholesky.js';
import type { Hyperparameters } from './hyperparameter-prior.js';
import type { KernelInputs } from './kernel-inputs.js';
import { MaternKernel, maternCorrelation, scaledDistanceSquared } from './matern-kernel.js';

const SQRT5 = Math.sqrt(5);

/** The posterior at one point with its derivatives along every encoded coordinate (zero along finite ones). */
export interface PosteriorWithGradient {
  mean: number;
  variance: number;
  meanGradient: Float64Array;
  varianceGradient: Float64Array;
}

/** What acquisition functions need from a model: the posterior of the latent function at encoded points. */
export interface PosteriorModel {
  readonly dimensionCount: number;
  readonly priorVariance: number;
  /** Posterior means and variances at `count` encoded points stored row-major in `points`. */
  posterior(points: Float64Array, count: number, mean: Float64Array, variance: Float64Array): void;
  posteriorWithGradient(point: Float64Array, out: PosteriorWithGradient): void;
}

/** The new last row of the Cholesky factor after an append, for callers that keep solves of their own current. */
export interface AppendedObservation {
  /** Kernel inputs of the new point. */
  features: Float64Array;
  /** L's new row left of the diagonal: L^-1 k(X, x) over the earlier observations. */
  row: Float64Array;
  pivot: number;
  /** The new entry of w = L^-1 y. */
  whitenedTarget: number;
}

/**
 * A Gaussian-process posterior with fixed hyperparameters over (standardised) losses, on encoded points.
 *
 * It keeps the Cholesky factor L of K = s2 C + noise I and w = L^-1 y. At a point with cross-covariances k,
 * v = L^-1 k gives the mean v.w and the variance s2 - v.v: one triangular solve per point. Observations can
 * be appended (the fantasies of a batch) by adding one row to L, in O(n^2), without refactorising; the
 * factor's storage is sized for `capacity` observations up front so that appending never copies it.
 */
export class GaussianProcess implements PosteriorModel {
  readonly dimensionCount: number;
  readonly kernel: MaternKernel;
  readonly noiseVariance: number;
  private readonly capacity: number;
  private readonly inputs: Float64Array;
  private readonly factor: Float64Array;
  private readonly whitened: Float64Array;
  /** K^-1 y, for the mean's gradient; refreshed after every append. */
  private readonly alpha: Float64Array;
  /** Appends leave alpha to be recomputed by the next gradient, which is the only reader. */
  private alphaIsCurrent = false;
  private count: number;
  private readonly features: Float64Array;
  private readonly crossCovariance: Float64Array;
  private readonly crossSlope: Float64Array;
  private readonly solved: Float64Array;
  private readonly backSolved: Float64Array;

  constructor(
    readonly mapping: KernelInputs,
    points: readonly ArrayLike<number>[],
    targets: ArrayLike<number>,
    hyperparameters: Hyperparameters,
    capacity: number,
  ) {
    const d = mapping.dimensionCount;
    const n = points.length;
    this.dimensionCount = d;
    this.capacity = Math.max(capacity, n);
    this.kernel = new MaternKernel(hyperparameters.lengthScales, hyperparameters.signalVariance, mapping.categorical);
    this.noiseVariance = hyperparameters.noiseVariance;
    this.inputs = new Float64Array(this.capacity * d);
    points.forEach((point, i) => mapping.map(point, 0, this.inputs, i * d));
    this.features = new Float64Array(d);
    this.crossCovariance = new Float64Array(this.capacity);
    this.crossSlope = new Float64Array(this.capacity);
    this.solved = new Float64Array(this.capacity);
    this.backSolved = new Float64Array(this.capacity);

    const stride = this.capacity;
    this.factor = new Float64Array(stride * stride);
    const fillCovariance = (target: Float64Array): void => {
      for (let a = 0; a < n; a++) {
        this.covarianceRow(this.inputs.subarray(a * d, (a + 1) * d), a, target.subarray(a * stride, a * stride + a));
        target[a * stride + a] = this.kernel.signalVariance + this.noiseVariance;
      }
    };
    if (choleskyWithJitter(this.factor, n, stride, fillCovariance) === undefined) {
      throw new Error(`GP covariance of ${n} points could not be factorised, even with jitter`);
    }
    this.count = n;
    this.whitened = new Float64Array(this.capacity);
    solveLower(this.factor, n, stride, targets, this.whitened);
    this.alpha = new Float64Array(this.capacity);
  }

  /** How many observations (real and fantasised) the posterior is conditioned on. */
  get size(): number {
    return this.count;
  }

  get priorVariance(): number {
    return this.kernel.signalVariance;
  }

  /** w = L^-1 y. */
  get whitenedTargets(): Float64Array {
    return this.whitened.subarray(0, this.count);
  }

  posterior(points: Float64Array, count: number, mean: Float64Array, variance: Float64Array): void {
    const d = this.dimensionCount;
    const v = this.solved;
    for (let c = 0; c < count; c++) {
      this.whiten(points, c * d, v);
      let m = 0;
      let explained = 0;
      for (let i = 0; i < this.count; i++) {
        m += v[i]! * this.whitened[i]!;
        explained += v[i]! * v[i]!;
      }
      mean[c] = m;
      variance[c] = Math.max(0, this.kernel.signalVariance - explained);
    }
  }

  /** v = L^-1 k(X, x) for the encoded point at points[offset..], written into out[0..size). */
  whiten(points: ArrayLike<number>, offset: number, out: Float64Array): Float64Array {
    this.mapping.map(points, offset, this.features, 0);
    this.covarianceRow(this.features, this.count, out);
    return solveLower(this.factor, this.count, this.capacity, out, out);
  }

  posteriorWithGradient(point: Float64Array, out: PosteriorWithGradient): void {
    const n = this.count;
    const d = this.dimensionCount;
    const { kernel, inputs, features } = this;
    const k = this.crossCovariance;
    const slope = this.crossSlope;
    this.mapping.map(point, 0, features, 0);
    const s2 = kernel.signalVariance;
    const inverseSquared = kernel.inverseSquaredLengthScales;
    const categorical = kernel.categorical;
    for (let i = 0; i < n; i++) {
      const distanceSquared = scaledDistanceSquared(features, 0, inputs, i * d, inverseSquared, categorical);
      const r = Math.sqrt(distanceSquared);
      const decay = Math.exp(-SQRT5 * r);
      k[i] = s2 * (1 + SQRT5 * r + (5 / 3) * distanceSquared) * decay;
      // dk/dx_j = slope * (x_j - X_ij) / l_j^2.
      slope[i] = -s2 * (5 / 3) * (1 + SQRT5 * r) * decay;
    }
    const v = solveLower(this.factor, n, this.capacity, k, this.solved);
    let mean = 0;
    let explained = 0;
    for (let i = 0; i < n; i++) {
      mean += v[i]! * this.whitened[i]!;
      explained += v[i]! * v[i]!;
    }
    out.mean = mean;
    out.variance = Math.max(0, s2 - explained);
    const beta = solveLowerTransposed(this.factor, n, this.capacity, v, this.backSolved);
    const alpha = this.currentAlpha();
    out.meanGradient.fill(0);
    out.varianceGradient.fill(0);
    for (const j of this.mapping.continuous) {
      let meanSlope = 0;
      let varianceSlope = 0;
      for (let i = 0; i < n; i++) {
        const term = slope[i]! * (features[j]! - inputs[i * d + j]!);
        meanSlope += alpha[i]! * term;
        varianceSlope += beta[i]! * term;
      }
      const scale = inverseSquared[j]!;
      out.meanGradient[j] = meanSlope * scale;
      // variance = s2 - k^T K^-1 k, so its derivative is -2 (K^-1 k)^T dk.
      out.varianceGradient[j] = -2 * varianceSlope * scale;
    }
  }

  /**
   * Conditions the posterior on one more observation at `point` (with the model's noise), by appending a row
   * to the Cholesky factor. The observed value is `valueGivenMean` of the posterior mean there, which the append
   * computes anyway: a fantasy at the mean ("kriging believer") leaves the mean unchanged everywhere and shrinks
   * the variance around the point, which is what spreads a batch out.
   */
  append(point: ArrayLike<number>, valueGivenMean: (mean: number) => number): AppendedObservation {
    if (this.count >= this.capacity) throw new Error(`GP capacity ${this.capacity} exceeded`);
    const n = this.count;
    const d = this.dimensionCount;
    const stride = this.capacity;
    const row = this.whiten(point, 0, this.solved).slice(0, n);
    const features = this.features.slice();
    let explained = 0;
    let projected = 0;
    for (let i = 0; i < n; i++) {
      explained += row[i]! * row[i]!;
      projected += row[i]! * this.whitened[i]!;
    }
    this.factor.set(row, n * stride);
    // A point (nearly) on top of an earlier one leaves almost nothing unexplained; the floor keeps L invertible.
    const total = this.kernel.signalVariance + this.noiseVariance;
    const pivot = Math.sqrt(Math.max(total - explained, 1e-10 * total));
    this.factor[n * stride + n] = pivot;
    const whitenedTarget = (valueGivenMean(projected) - projected) / pivot;
    this.whitened[n] = whitenedTarget;
    this.inputs.set(features, n * d);
    this.count = n + 1;
    this.alphaIsCurrent = false;
    return { features, row, pivot, whitenedTarget };
  }

  /** k(X_i, x) for the first `count` observations. */
  private covarianceRow(features: Float64Array, count: number, out: Float64Array): void {
    const d = this.dimensionCount;
    const inputs = this.inputs;
    const s2 = this.kernel.signalVariance;
    const inverseSquared = this.kernel.inverseSquaredLengthScales;
    const categorical = this.kernel.categorical;
    for (let i = 0; i < count; i++) {
      out[i] = s2 * maternCorrelation(scaledDistanceSquared(features, 0, inputs, i * d, inverseSquared, categorical));
    }
  }

  /** alpha = K^-1 y = L^-T w, recomputed only when an append has made it stale. */
  private currentAlpha(): Float64Array {
    if (!this.alphaIsCurrent) {
      solveLowerTransposed(this.factor, this.count, this.capacity, this.whitened, this.alpha);
      this.alphaIsCurrent = true;
    }
    return this.alpha;
  }
}
