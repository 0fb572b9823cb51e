import type { Rng } from '../../shared/random/rng.js';

/**
 * A CATEGORICAL parameter's own distribution beside the normal one: independent probabilities per value,
 * updated from the same ranking as the mean (the recombination weights of the best members move probability to
 * their values: p <- (1 - eta) p + eta sum w_i e_{value of i-th best}), with a floor so that no value is ever
 * ruled out (the categorical counterpart of the lattice margin).
 */
export class CategoricalDistribution {
  readonly probabilities: number[];
  private readonly floor: number;
  private readonly rate: number;

  constructor(
    readonly size: number,
    lambda: number,
    muEff: number,
  ) {
    this.probabilities = new Array<number>(size).fill(1 / size);
    this.floor = 1 / (lambda * size);
    this.rate = (0.5 * muEff) / (muEff + size);
  }

  sample(rng: Rng): number {
    return rng.weightedIndex(this.probabilities);
  }

  /** Samples of the distribution as it is now, which later updates leave alone. */
  frozen(): (rng: Rng) => number {
    const probabilities = [...this.probabilities];
    return (rng) => rng.weightedIndex(probabilities);
  }

  /** `chosen[r]` is the value of the r-th best member, `weights[r]` its recombination weight (summing to 1). */
  update(chosen: readonly number[], weights: readonly number[]): void {
    if (chosen.length === 0) return;
    const target = new Array<number>(this.size).fill(0);
    chosen.forEach((value, rank) => (target[value]! += weights[rank]!));
    for (let k = 0; k < this.size; k++) this.probabilities[k] = (1 - this.rate) * this.probabilities[k]! + this.rate * target[k]!;
    // Raise every probability to the floor and take the difference from the mass above it, proportionally.
    const above = this.probabilities.reduce((sum, p) => sum + Math.max(0, p - this.floor), 0);
    const room = 1 - this.size * this.floor;
    for (let k = 0; k < this.size; k++) {
      this.probabilities[k] = this.floor + (above > 0 ? (Math.max(0, this.probabilities[k]! - this.floor) * room) / above : room / this.size);
    }
  }

  /** The largest probability: near 1 when the distribution has settled on one value. */
  get peak(): number {
    return Math.max(...this.probabilities);
  }
}
