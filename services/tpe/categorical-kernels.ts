import type { Rng } from '../../shared/random/rng.js';
import type { KernelSet } from './kernel-set.js';

/**
 * Kernels on the values of a list dimension (CATEGORICAL or DISCRETE), in index space 0..size-1. An observed
 * value's kernel gives weight 1 to that value plus a smoothing weight to every value, so no value ever has
 * probability zero; the prior kernel (category -1) is uniform.
 */
export class CategoricalKernels implements KernelSet {
  readonly count: number;
  private readonly logOwn: number;
  private readonly logOther: number;
  private readonly logUniform: number;
  /** Probability that a draw from an observed kernel is its own value outright, before the uniform part. */
  private readonly ownShare: number;

  /**
   * `categories[i]` is kernel i's value index, or -1 for the uniform prior kernel; `smoothing` is the weight each
   * observed kernel adds to every value.
   */
  constructor(
    private readonly categories: Int32Array,
    private readonly size: number,
    smoothing: number,
    private readonly positionOf: (index: number) => number,
    private readonly indexOf: (u: number) => number,
  ) {
    this.count = categories.length;
    const total = 1 + size * smoothing;
    this.logOwn = Math.log((1 + smoothing) / total);
    this.logOther = Math.log(smoothing / total);
    this.logUniform = -Math.log(size);
    this.ownShare = 1 / total;
  }

  addLogDensities(x: number, into: Float64Array): void {
    const index = this.indexOf(x);
    for (let i = 0; i < this.count; i++) {
      const own = this.categories[i]!;
      into[i]! += own < 0 ? this.logUniform : own === index ? this.logOwn : this.logOther;
    }
  }

  /** An observed kernel is "its own value with probability 1/total, else uniform", which gives exactly its weights. */
  sample(kernel: number, rng: Rng): number {
    const own = this.categories[kernel]!;
    const index = own >= 0 && rng.uniform() < this.ownShare ? own : rng.integer(this.size);
    return this.positionOf(index);
  }
}
