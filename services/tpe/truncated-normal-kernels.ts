import type { Rng } from '../../shared/random/rng.js';
import type { KernelSet } from './kernel-set.js';
import { logNormalPdf } from '../../shared/numeric/normal.js';
import { logNormalMass } from './normal-math.js';

/** The encoded interval a lattice value owns: every position in [low, high] decodes to that value. */
export interface Cell {
  low: number;
  high: number;
}

/** The values of a lattice dimension (int, stepped double) and the cells of [0, 1] they own. */
export interface Lattice {
  indexOf(u: number): number;
  cell(index: number): Cell;
}

/**
 * Gaussian kernels truncated to the unit domain [0, 1], for a numeric dimension on its own scale (the encoding is
 * already logarithmic for log distributions). On a continuous dimension a kernel's log density at x is
 * log(phi((x - mu) / sigma) / sigma / Z), with Z its mass inside [0, 1]. On a lattice (ints, stepped doubles) the
 * encoding's cells already reach half a step beyond the end values, so the unit domain is the widened domain and
 * the cells partition it: a value's probability is the kernel's mass over its cell divided by Z, and these
 * probabilities sum to 1 over the lattice.
 */
export class TruncatedNormalKernels implements KernelSet {
  readonly count: number;
  /** log of each kernel's normalisation on a continuous dimension: -log(sigma) - log(Z). */
  private readonly logScale: Float64Array;
  /** log(Z) of each kernel. */
  private readonly logMassInDomain: Float64Array;
  /**
   * On a lattice, every kernel's log probability of each value scored so far, by value index: candidates drawn
   * from a concentrated density fall on a few values again and again, and each costs two normal tail integrals
   * per kernel.
   */
  private readonly logProbabilitiesByValue = new Map<number, Float64Array>();

  /** `lattice` is given for an int or stepped double, undefined for a continuous double. */
  constructor(
    private readonly centres: Float64Array,
    private readonly sigmas: Float64Array,
    private readonly lattice: Lattice | undefined,
  ) {
    this.count = centres.length;
    this.logScale = new Float64Array(this.count);
    this.logMassInDomain = new Float64Array(this.count);
    for (let i = 0; i < this.count; i++) {
      const mu = centres[i]!;
      const sigma = sigmas[i]!;
      const logZ = logNormalMass(-mu / sigma, (1 - mu) / sigma);
      this.logMassInDomain[i] = logZ;
      this.logScale[i] = -Math.log(sigma) - logZ;
    }
  }

  addLogDensities(x: number, into: Float64Array): void {
    const { centres, sigmas, count } = this;
    if (this.lattice === undefined) {
      for (let i = 0; i < count; i++) {
        const z = (x - centres[i]!) / sigmas[i]!;
        into[i]! += logNormalPdf(z) + this.logScale[i]!;
      }
      return;
    }
    const probabilities = this.logProbabilitiesOf(this.lattice.indexOf(x));
    for (let i = 0; i < count; i++) into[i]! += probabilities[i]!;
  }

  private logProbabilitiesOf(index: number): Float64Array {
    let probabilities = this.logProbabilitiesByValue.get(index);
    if (probabilities === undefined) {
      const { low, high } = this.lattice!.cell(index);
      probabilities = new Float64Array(this.count);
      for (let i = 0; i < this.count; i++) {
        const mu = this.centres[i]!;
        const sigma = this.sigmas[i]!;
        probabilities[i] = logNormalMass((low - mu) / sigma, (high - mu) / sigma) - this.logMassInDomain[i]!;
      }
      this.logProbabilitiesByValue.set(index, probabilities);
    }
    return probabilities;
  }

  /**
   * A draw from kernel `kernel` restricted to [0, 1], by rejection: the domain always holds the kernel's centre and
   * sigma never exceeds the domain's width, so at least about a third of the draws land inside.
   */
  sample(kernel: number, rng: Rng): number {
    const mu = this.centres[kernel]!;
    const sigma = this.sigmas[kernel]!;
    for (;;) {
      const x = mu + sigma * rng.normal();
      if (x >= 0 && x <= 1) return x;
    }
  }
}
