import type { Rng } from '../../shared/random/rng.js';
import { neighbourGapBandwidths } from './bandwidths.js';
import { CategoricalKernels } from './categorical-kernels.js';
import { FixedKernels } from './fixed-kernels.js';
import type { KernelSet } from './kernel-set.js';
import { logSumExp } from './normal-math.js';
import type { ParzenDimension } from './parzen-dimensions.js';
import { TruncatedNormalKernels } from './truncated-normal-kernels.js';

export interface ParzenOptions {
  /** Weight of the prior kernel, relative to an observation of weight 1. */
  priorWeight: number;
  /**
   * Joint kernels: a draw picks one kernel and takes every dimension from it, and the density is a mixture of
   * products. Otherwise each dimension is its own mixture and the density is a product of mixtures.
   */
  multivariate: boolean;
}

/**
 * A Parzen (kernel density) estimator over the encoded search space: one kernel per observation plus a prior
 * kernel, mixed by the observations' weights and the prior weight. Points travel as row-major Float64Arrays,
 * `dimensions.length` numbers per point.
 */
export class ParzenEstimator {
  private readonly kernels: KernelSet[];
  /** log of each kernel's normalised mixture weight; the prior kernel is last. */
  private readonly logWeights: Float64Array;
  /** Running sums of the normalised weights, for drawing a kernel. */
  private readonly cumulativeWeights: Float64Array;
  private readonly scratch: Float64Array;

  /** `observations` holds `weights.length` points. */
  constructor(
    private readonly dimensions: readonly ParzenDimension[],
    observations: Float64Array,
    weights: Float64Array,
    private readonly options: ParzenOptions,
  ) {
    const n = weights.length;
    const kernelCount = n + 1;
    this.kernels = dimensions.map((dimension, d) => buildKernels(dimension, column(observations, d, dimensions.length, n), options.priorWeight));
    this.logWeights = new Float64Array(kernelCount);
    this.cumulativeWeights = new Float64Array(kernelCount);
    let total = options.priorWeight;
    for (let i = 0; i < n; i++) total += weights[i]!;
    let running = 0;
    for (let i = 0; i < kernelCount; i++) {
      const weight = (i < n ? weights[i]! : options.priorWeight) / total;
      this.logWeights[i] = Math.log(weight);
      running += weight;
      this.cumulativeWeights[i] = running;
    }
    this.scratch = new Float64Array(kernelCount);
  }

  /** `count` points drawn from the estimator. */
  sample(rng: Rng, count: number): Float64Array {
    const dimensionCount = this.dimensions.length;
    const points = new Float64Array(count * dimensionCount);
    for (let p = 0; p < count; p++) {
      const shared = this.options.multivariate ? this.drawKernel(rng) : -1;
      for (let d = 0; d < dimensionCount; d++) {
        const kernel = shared >= 0 ? shared : this.drawKernel(rng);
        points[p * dimensionCount + d] = this.kernels[d]!.sample(kernel, rng);
      }
    }
    return points;
  }

  /** The log density (log probability on finite dimensions) of each point of `points`. */
  logPdf(points: Float64Array): Float64Array {
    const dimensionCount = this.dimensions.length;
    const count = dimensionCount === 0 ? 0 : points.length / dimensionCount;
    const result = new Float64Array(count);
    const scratch = this.scratch;
    for (let p = 0; p < count; p++) {
      const offset = p * dimensionCount;
      if (this.options.multivariate) {
        scratch.set(this.logWeights);
        for (let d = 0; d < dimensionCount; d++) this.kernels[d]!.addLogDensities(points[offset + d]!, scratch);
        result[p] = logSumExp(scratch);
      } else {
        let total = 0;
        for (let d = 0; d < dimensionCount; d++) {
          scratch.set(this.logWeights);
          this.kernels[d]!.addLogDensities(points[offset + d]!, scratch);
          total += logSumExp(scratch);
        }
        result[p] = total;
      }
    }
    return result;
  }

  /** A kernel index drawn by the mixture weights (binary search over the running sums). */
  private drawKernel(rng: Rng): number {
    const target = rng.uniform() * this.cumulativeWeights[this.cumulativeWeights.length - 1]!;
    let low = 0;
    let high = this.cumulativeWeights.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.cumulativeWeights[middle]! > target) high = middle;
      else low = middle + 1;
    }
    return low;
  }
}

/** Dimension `d` of `n` row-major points. */
function column(points: Float64Array, d: number, dimensionCount: number, n: number): Float64Array {
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = points[i * dimensionCount + d]!;
  return values;
}

/** The kernels of one dimension: the observations' kernels, then the prior kernel. */
function buildKernels(dimension: ParzenDimension, centres: Float64Array, priorWeight: number): KernelSet {
  const kernelCount = centres.length + 1;
  switch (dimension.kind) {
    case 'fixed':
      return new FixedKernels(kernelCount, dimension.position);
    case 'list': {
      const categories = new Int32Array(kernelCount);
      for (let i = 0; i < centres.length; i++) categories[i] = dimension.indexOf(centres[i]!);
      categories[centres.length] = -1;
      // Each observed kernel spreads prior_weight / kernelCount over every value (optuna's smoothing), so a
      // value never seen keeps some probability, less of it as observations accumulate.
      return new CategoricalKernels(categories, dimension.size, priorWeight / kernelCount, dimension.positionOf, dimension.indexOf);
    }
    case 'numeric': {
      const mus = new Float64Array(kernelCount);
      mus.set(centres);
      mus[centres.length] = dimension.prior.centre;
      const sigmas = new Float64Array(kernelCount);
      sigmas.set(neighbourGapBandwidths(centres, kernelCount));
      sigmas[centres.length] = dimension.prior.sigma;
      return new TruncatedNormalKernels(mus, sigmas, dimension.lattice);
    }
  }
}
