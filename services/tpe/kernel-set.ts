import type { Rng } from '../../shared/random/rng.js';

/**
 * The kernels of one dimension of a Parzen estimator, one per observation plus the prior kernel, all on the
 * dimension's encoded position in [0, 1]. For a numeric lattice or a list, a "density" is the probability of the
 * value's cell, so densities of different points of a finite dimension compare as probabilities do.
 */
export interface KernelSet {
  readonly count: number;
  /** Adds log k_i(x) to `into[i]` for every kernel i: adding per dimension builds joint (product) kernels. */
  addLogDensities(x: number, into: Float64Array): void;
  /** A position drawn from kernel `kernel`. */
  sample(kernel: number, rng: Rng): number;
}
