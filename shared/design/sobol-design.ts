import type { UsedPoints } from '../algorithm/used-points.js';
import type { Rng } from '../random/rng.js';
import { rngFromText, seedIdentity } from '../random/seed.js';
import { normalPriorQuantile } from '../space/prior.js';
import type { Point, SearchSpace } from '../space/search-space.js';
import { ScrambledSobol } from '../numeric/scrambled-sobol.js';

/** How far past its own index an assignment's design point may look for one no trial occupies yet. */
const LOOK_AHEAD = 64;
/**
 * Design points past this index are not generated (the sequence is generated from its start and kept): a
 * request claiming more assignments handed out than that (total_request_number is the client's word) gets
 * random free points instead. Real Experiments stay far below it.
 */
const DESIGN_LENGTH_LIMIT = 1 << 16;

/**
 * A space-filling sequence over an experiment: the i-th assignment handed out (counting every trial, whatever its
 * state, and the trials Katib leaves out of requests) gets point i of one scrambled Sobol sequence, so the first
 * 2^k assignments cover the space evenly across however many calls and replicas produced them. The `sobol`
 * algorithm is this sequence alone; `bayesianoptimization` starts with it.
 *
 * That needs one sequence per experiment rather than per request, so its scramble is seeded from the
 * experiment's identity (its random_state when set, else its name) and the sequence's purpose, not from the
 * request's generator.
 *
 * Uniform coordinates become each parameter's declared distribution where it has one that is not uniform on its
 * scale (NORMAL, LOG_NORMAL): through the inverse distribution function of the normal truncated to the range.
 * LOG_UNIFORM needs nothing: the encoding is already linear in the logarithm. Lattices (INT, stepped DOUBLE,
 * DISCRETE, CATEGORICAL) take the value whose cell the coordinate falls in.
 */
export class SobolDesign {
  private readonly sequence: ScrambledSobol;
  private readonly generated: Point[] = [];

  /** `purpose` names the sequence, so two algorithms of one experiment do not share a scramble. */
  constructor(
    private readonly space: SearchSpace,
    purpose: string,
    experimentName: string,
    randomState: number | undefined,
  ) {
    const identity = seedIdentity(experimentName, randomState);
    this.sequence = new ScrambledSobol(space.dimensions.length, rngFromText(`${purpose}\u0000${identity}`));
  }

  /**
   * The design point of assignment `index`, or of a later index when that one's point is taken (small finite
   * spaces), or a random free point when all within reach are; it is marked used.
   */
  take(index: number, used: UsedPoints, rng: Rng): Point {
    for (let candidate = index; candidate < Math.min(index + LOOK_AHEAD, DESIGN_LENGTH_LIMIT); candidate++) {
      const point = this.space.canonical(this.pointAt(candidate));
      if (used.add(point)) return point;
    }
    return used.takeRandom(rng);
  }

  private pointAt(index: number): Point {
    const d = this.space.dimensions.length;
    const scratch = new Float64Array(d);
    while (this.generated.length <= index) {
      this.sequence.next(scratch);
      this.generated.push(this.space.dimensions.map((dimension, j) => shapeByDistribution(dimension, scratch[j]!)));
    }
    return this.generated[index]!;
  }
}

/** A uniform u in [0, 1) moved to the parameter's declared distribution on its encoding. */
function shapeByDistribution(dimension: SearchSpace['dimensions'][number], u: number): number {
  return dimension.prior === undefined ? u : normalPriorQuantile(dimension.prior, u);
}
