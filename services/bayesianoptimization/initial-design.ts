import type { UsedPoints } from '../../shared/algorithm/used-points.js';
import type { Rng } from '../../shared/random/rng.js';
import { rngFromText, seedIdentity } from '../../shared/random/seed.js';
import { NumericDimension } from '../../shared/space/numeric-dimension.js';
import type { Point, SearchSpace } from '../../shared/space/search-space.js';
import { normalCdf, normalQuantile } from '../../shared/numeric/normal.js';
import { ScrambledSobol } from '../../shared/numeric/scrambled-sobol.js';

/** How far past its own index a trial's design point may look for one no trial occupies yet. */
const LOOK_AHEAD = 64;
/**
 * Design points past this index are not generated (the sequence is generated from its start and kept): a
 * request claiming more assignments handed out than that (total_request_number is the client's word) gets
 * random free points instead. Real Experiments stay far below it.
 */
const DESIGN_LENGTH_LIMIT = 1 << 16;

/**
 * The space-filling start of an experiment: the i-th assignment handed out (counting every trial, whatever its
 * state, and the trials Katib leaves out of requests) gets point i of one scrambled Sobol sequence, so the first
 * 2^k trials cover the space evenly across however many calls and replicas produced them.
 *
 * That needs one sequence per experiment rather than per request, so its scramble is seeded from the
 * experiment's identity (its random_state when set, else its name), not from the request's generator.
 *
 * Uniform coordinates become each parameter's declared distribution where it has one that is not uniform on its
 * scale (NORMAL, LOG_NORMAL): through the inverse distribution function of the normal truncated to the range.
 */
export class InitialDesign {
  private readonly sequence: ScrambledSobol;
  private readonly generated: Point[] = [];

  constructor(
    private readonly space: SearchSpace,
    experimentName: string,
    randomState: number | undefined,
  ) {
    const identity = seedIdentity(experimentName, randomState);
    this.sequence = new ScrambledSobol(space.dimensions.length, rngFromText(`bayesianoptimization initial design\u0000${identity}`));
  }

  /**
   * The design point of trial `trialIndex`, or of a later index when that one's point is taken (small finite
   * spaces), or a random free point when all within reach are; it is marked used.
   */
  take(trialIndex: number, used: UsedPoints, rng: Rng): Point {
    for (let index = trialIndex; index < Math.min(trialIndex + LOOK_AHEAD, DESIGN_LENGTH_LIMIT); index++) {
      const point = this.space.canonical(this.pointAt(index));
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
  if (!(dimension instanceof NumericDimension) || !dimension.normalPrior) return u;
  // A normal centred between the end values a trial can take, sigma a sixth of their span, truncated to the
  // encoded interval [0, 1]. (NumericDimension.sample centres on [min, max] instead; the two differ only for a
  // lattice whose max is not a whole number of steps from min.)
  const first = dimension.isLattice ? dimension.unitOfIndex(0) : 0;
  const last = dimension.isLattice ? dimension.unitOfIndex(dimension.size - 1) : 1;
  const centre = (first + last) / 2;
  const sigma = (last - first) / 6;
  if (!(sigma > 0)) return centre;
  const low = normalCdf((0 - centre) / sigma);
  const high = normalCdf((1 - centre) / sigma);
  return centre + sigma * normalQuantile(low + u * (high - low));
}
