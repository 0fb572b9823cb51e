import { choleskyWithJitter, inverseFromCholesky, solveLower, solveLowerTransposed } from '../../../shared/numeric/cholesky.js';
import { scaledDistanceSquared } from './matern-kernel.js';

const SQRT5 = Math.sqrt(5);
const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The log marginal likelihood of a zero-mean GP with the Matern 5/2 ARD kernel, and its gradient with respect to
 * the log hyperparameters [log l_1 .. log l_d, log s2, log noise]:
 *
 *   log p(y | theta) = -1/2 y^T K^-1 y - 1/2 log |K| - n/2 log 2 pi,   K = s2 C + noise I,
 *   d/d theta_k = 1/2 tr((alpha alpha^T - K^-1) dK/d theta_k),           alpha = K^-1 y.
 *
 * One evaluation costs one Cholesky factorisation and one inverse (about n^3 / 2 multiply-adds); the buffers
 * are allocated once per data set, since a fit evaluates it a few hundred times.
 */
export class MarginalLikelihood {
  readonly n: number;
  readonly dimensionCount: number;
  private readonly covariance: Float64Array;
  private readonly factor: Float64Array;
  private readonly inverse: Float64Array;
  private readonly scratch: Float64Array;
  /** s2 (5/3)(1 + sqrt5 r) exp(-sqrt5 r) per pair: dK_ab / d log l_j is this times d_j^2 / l_j^2. */
  private readonly lengthScaleFactor: Float64Array;
  private readonly alpha: Float64Array;
  private readonly inverseSquaredLengthScales: Float64Array;

  constructor(
    /** Kernel inputs, row-major n x d. */
    private readonly inputs: Float64Array,
    /** Standardised targets. */
    private readonly targets: Float64Array,
    private readonly categorical: Uint8Array,
  ) {
    this.n = targets.length;
    this.dimensionCount = categorical.length;
    const n = this.n;
    this.covariance = new Float64Array(n * n);
    this.factor = new Float64Array(n * n);
    this.inverse = new Float64Array(n * n);
    this.scratch = new Float64Array(n * n);
    this.lengthScaleFactor = new Float64Array(n * n);
    this.alpha = new Float64Array(n);
    this.inverseSquaredLengthScales = new Float64Array(this.dimensionCount);
  }

  /**
   * log p(y | theta), writing its gradient into `gradient` when one is given. Returns -Infinity when the
   * covariance cannot be factorised even with jitter.
   */
  evaluate(theta: ArrayLike<number>, gradient?: Float64Array): number {
    const { n, dimensionCount: d, inputs, categorical } = this;
    const inverseSquared = this.inverseSquaredLengthScales;
    for (let j = 0; j < d; j++) inverseSquared[j] = Math.exp(-2 * theta[j]!);
    const signalVariance = Math.exp(theta[d]!);
    const noiseVariance = Math.exp(theta[d + 1]!);

    const covariance = this.covariance;
    for (let a = 0; a < n; a++) {
      const rowA = a * d;
      for (let b = 0; b < a; b++) {
        const distanceSquared = scaledDistanceSquared(inputs, rowA, inputs, b * d, inverseSquared, categorical);
        const r = Math.sqrt(distanceSquared);
        const decay = Math.exp(-SQRT5 * r);
        covariance[a * n + b] = signalVariance * (1 + SQRT5 * r + (5 / 3) * distanceSquared) * decay;
        this.lengthScaleFactor[a * n + b] = signalVariance * (5 / 3) * (1 + SQRT5 * r) * decay;
      }
      covariance[a * n + a] = signalVariance + noiseVariance;
    }
    if (choleskyWithJitter(this.factor, n, n, (target) => target.set(covariance)) === undefined) return -Infinity;

    const whitened = solveLower(this.factor, n, n, this.targets, new Float64Array(n));
    let value = -0.5 * n * LOG_2PI;
    for (let i = 0; i < n; i++) value -= 0.5 * whitened[i]! * whitened[i]! + Math.log(this.factor[i * n + i]!);
    if (gradient === undefined) return value;

    const alpha = solveLowerTransposed(this.factor, n, n, whitened, this.alpha);
    inverseFromCholesky(this.factor, n, n, this.inverse, this.scratch);
    gradient.fill(0);
    let signalGradient = 0;
    let noiseGradient = 0;
    for (let a = 0; a < n; a++) {
      const rowA = a * d;
      for (let b = 0; b < a; b++) {
        // The pair (a, b) and its mirror (b, a) together contribute W_ab dK_ab.
        const weight = alpha[a]! * alpha[b]! - this.inverse[a * n + b]!;
        signalGradient += weight * covariance[a * n + b]!;
        const factor = weight * this.lengthScaleFactor[a * n + b]!;
        if (factor === 0) continue;
        const rowB = b * d;
        for (let j = 0; j < d; j++) {
          const difference = inputs[rowA + j]! - inputs[rowB + j]!;
          if (difference === 0) continue;
          gradient[j]! += factor * (categorical[j] ? 1 : difference * difference) * inverseSquared[j]!;
        }
      }
      const diagonalWeight = alpha[a]! * alpha[a]! - this.inverse[a * n + a]!;
      signalGradient += 0.5 * diagonalWeight * signalVariance;
      noiseGradient += 0.5 * diagonalWeight * noiseVariance;
    }
    gradient[d] = signalGradient;
    gradient[d + 1] = noiseGradient;
    return value;
  }
}
