import type { UsedPoints } from '../algorithm/used-points.js';
import type { Rng } from '../random/rng.js';
import { rngFromText, seedIdentity } from '../random/seed.js';
import { normalPriorQuantile } from '../space/prior.js';
import type { Point, SearchSpace } from '../space/search-space.js';
import { ScrambledSobol } from '../numeric/scrambled-sobol.js';

/**
 * How far past its own index an assignment's design point may look for one no trial occupies yet (a trial that
 * is not a design point, such as a model's or a random fill-in, can hold it).
 */
const LOOK_AHEAD = 64;
/**
 * Sequence points past this one are not generated (the sequence is generated from its start and kept): a
 * request claiming more assignments handed out than that (total_request_number is the client's word), or a small
 * space whose distinct points run out, gets random free points instead. Real Experiments stay far below it.
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
 * Where the space is finite in every parameter, rounding can give two design points one assignment; the sequence
 * then goes on to the next point that is new, so assignment i gets the i-th distinct point. That keeps assignments
 * distinct without looking at the trials: a request can lag behind the trials Katib has created, and a point
 * chosen by skipping the trials it shows could be the very one a trial it does not show already holds. Where a
 * continuous parameter keeps every point distinct, this is the sequence itself.
 *
 * Uniform coordinates become each parameter's declared distribution where it has one that is not uniform on its
 * scale (NORMAL, LOG_NORMAL): through the inverse distribution function of the normal truncated to the range.
 * LOG_UNIFORM needs nothing: the encoding is already linear in the logarithm. Lattices (INT, stepped DOUBLE,
 * DISCRETE, CATEGORICAL) take the value whose cell the coordinate falls in.
 */
export class SobolDesign {
  private readonly sequence: ScrambledSobol;
  /** The distinct design points so far, in order, and their keys; and how many sequence points were drawn. */
  private readonly distinct: Point[] = [];
  private readonly keys = new Set<string>();
  private drawn = 0;

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
   * The design point of assignment `index`, or a later one when a trial holds it, or a random free point when
   * all within reach are taken; it is marked used.
   */
  take(index: number, used: UsedPoints, rng: Rng): Point {
    for (let candidate = index; candidate < index + LOOK_AHEAD; candidate++) {
      const point = this.pointAt(candidate);
      if (point === undefined) break;
      if (used.add(point)) return point;
    }
    return used.takeRandom(rng);
  }

  /** The `index`-th distinct design point (canonical), or undefined past the generated length. */
  private pointAt(index: number): Point | undefined {
    if (index >= DESIGN_LENGTH_LIMIT) return undefined;
    const scratch = new Float64Array(this.space.dimensions.length);
    while (this.distinct.length <= index && this.drawn < DESIGN_LENGTH_LIMIT) {
      this.sequence.next(scratch);
      this.drawn++;
      const point = this.space.canonical(this.space.dimensions.map((dimension, j) => shapeByDistribution(dimension, scratch[j]!)));
      const key = this.space.key(point);
      if (this.keys.has(key)) continue;
      this.keys.add(key);
      this.distinct.push(point);
    }
    return this.distinct[index];
  }
}

/** A uniform u in [0, 1) moved to the parameter's declared distribution on its encoding. */
function shapeByDistribution(dimension: SearchSpace['dimensions'][number], u: number): number {
  return dimension.prior === undefined ? u : normalPriorQuantile(dimension.prior, u);
}
