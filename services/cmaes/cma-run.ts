import type { Rng } from '../../shared/random/rng.js';
import { CategoricalDistribution } from './categorical-distribution.js';
import { GaussianSearch } from './gaussian-search.js';
import { keepLatticeMargin } from './lattice-margin.js';
import type { RunPlan } from './restart-schedule.js';
import type { Candidate, SpaceLayout } from './space-layout.js';
import { recombinationWeights, strategyParameters, type StrategyParameters } from './strategy-parameters.js';

/** A generation's member with the loss it reported. */
export interface RankedMember {
  candidate: Candidate;
  loss: number;
}

/**
 * What draws one generation's assignments: the run's index and the generation (which name the random streams,
 * position-streams.ts) and its distribution.
 */
export interface GenerationSampler {
  readonly index: number;
  readonly generation: number;
  sample(rng: Rng): Candidate;
}

/** Termination criteria (Hansen's defaults where they apply to a unit box). */
const TOL_X = 1e-9;
/** A lattice coordinate has settled when its spread is this fraction of an average cell. */
const TOL_X_LATTICE_CELLS = 0.05;
const TOL_FUN = 1e-12;
const MAX_CONDITION = 1e14;

/**
 * One CMA-ES run, from its start or a restart to its termination: the normal distribution over the ordered
 * coordinates, a categorical distribution per CATEGORICAL parameter, and the generations it has completed.
 */
export class CmaRun implements GenerationSampler {
  readonly gaussian: GaussianSearch | undefined;
  readonly categoricals: CategoricalDistribution[];
  readonly parameters: StrategyParameters;
  generation = 0;
  private readonly bestLosses: number[] = [];
  private readonly marginAlpha: number;

  constructor(
    private readonly layout: SpaceLayout,
    readonly plan: RunPlan,
    readonly index: number,
    mean: readonly number[],
  ) {
    const n = layout.ordered.length;
    this.parameters = strategyParameters(Math.max(1, n), plan.lambda);
    this.gaussian = n > 0 ? new GaussianSearch(this.parameters, mean, plan.sigma) : undefined;
    this.categoricals = layout.categorical.map(({ size }) => new CategoricalDistribution(size, plan.lambda, this.parameters.muEff));
    this.marginAlpha = 1 / (Math.max(1, layout.searchedDimensions) * plan.lambda);
    this.keepMargin();
  }

  get lambda(): number {
    return this.plan.lambda;
  }

  sample(rng: Rng): Candidate {
    return { x: this.gaussian?.sample(rng) ?? [], categories: this.categoricals.map((distribution) => distribution.sample(rng)) };
  }

  /** The current generation's sampler as it is now, which the update leaves alone. */
  snapshot(): GenerationSampler {
    const gaussian = this.gaussian?.frozen();
    const categoricals = this.categoricals.map((distribution) => distribution.frozen());
    return {
      index: this.index,
      generation: this.generation,
      sample: (rng) => ({ x: gaussian?.(rng) ?? [], categories: categoricals.map((draw) => draw(rng)) }),
    };
  }

  /** The generation's update from its members that reported, best first. */
  update(ranked: readonly RankedMember[]): void {
    this.gaussian?.update(ranked.map((member) => ({ x: member.candidate.x, loss: member.loss })));
    const count = Math.min(this.parameters.mu, ranked.length);
    if (count > 0) {
      const weights = count === this.parameters.mu ? this.parameters.weights : recombinationWeights(this.lambda, count);
      this.categoricals.forEach((distribution, i) =>
        distribution.update(
          ranked.slice(0, count).map((member) => member.candidate.categories[i]!),
          weights,
        ),
      );
      this.bestLosses.push(ranked[0]!.loss);
    }
    this.keepMargin();
    this.generation++;
  }

  /**
   * Whether the run has stopped making progress (for IPOP and BIPOP): every coordinate's spread below its
   * tolerance and every categorical distribution settled, or C ill-conditioned, or the best loss flat over the
   * last 10 + 30 n / lambda generations.
   */
  get terminated(): boolean {
    const gaussian = this.gaussian;
    const collapsed =
      (gaussian === undefined ||
        this.layout.ordered.every(({ lattice }, i) => gaussian.spread(i) < (lattice === undefined ? TOL_X : TOL_X_LATTICE_CELLS / lattice.size))) &&
      this.categoricals.every((distribution) => distribution.peak > 1 - 2 / (this.lambda * distribution.size) * (distribution.size - 1));
    if (collapsed) return true;
    if (gaussian !== undefined && gaussian.conditionNumber > MAX_CONDITION) return true;
    const window = 10 + Math.ceil((30 * this.layout.searchedDimensions) / this.lambda);
    if (this.bestLosses.length < window) return false;
    const recent = this.bestLosses.slice(-window);
    const low = Math.min(...recent);
    return Math.max(...recent) - low <= TOL_FUN * Math.max(1, Math.abs(low));
  }

  private keepMargin(): void {
    const gaussian = this.gaussian;
    if (gaussian === undefined) return;
    keepLatticeMargin(
      gaussian.mean,
      (i) => gaussian.spread(i),
      this.layout.ordered.map(({ lattice }) => lattice),
      this.marginAlpha,
    );
  }
}
