import { minimiseInBox } from '../../../shared/numeric/bounded-quasi-newton.js';
import type { AcquisitionSurface } from '../acquisition/acquisition-function.js';
import type { FiniteAxis, KernelInputs } from '../model/kernel-inputs.js';
import type { CandidateSet } from './candidates.js';

export interface MaximiseOptions {
  /** Polish the best candidates by local search; without it the candidates are only ranked. */
  refine: boolean;
  /** How many of the best distinct candidates to polish. */
  starts: number;
}

export interface RankedPoint {
  point: Float64Array;
  value: number;
}

/**
 * Finite dimensions with at most this many values try every value in a local move; larger ones try a ladder.
 * Categories have no order for a ladder to follow, so they get a larger allowance.
 */
const EXHAUSTIVE_AXIS_SIZE = 16;
const EXHAUSTIVE_CATEGORY_COUNT = 64;
const REFINE_ROUNDS = 3;
const GRADIENT_OPTIONS = { maxIterations: 30, gradientTolerance: 1e-6, relativeTolerance: 1e-9 };
/** A move must gain at least this much to count, so rounding noise cannot make the search cycle. */
const MIN_GAIN = 1e-9;

/**
 * Maximises an acquisition surface: rank the candidates by their `values` (the surface's values there), then,
 * with `refine`, polish the best few by alternating a bounded quasi-Newton search over the continuous
 * coordinates with coordinate moves over the finite ones (every value of a small dimension; for a large one,
 * steps of 1, 2, 4, ... cells either way).
 *
 * Yields the polished points first, best first, then the remaining candidates by value, so a caller can take
 * the best point that is not already a trial; points are only materialised as the caller asks for them.
 */
export function* maximiseAcquisition(
  surface: AcquisitionSurface,
  mapping: KernelInputs,
  candidates: CandidateSet,
  values: Float64Array,
  options: MaximiseOptions,
): Generator<RankedPoint> {
  const d = mapping.dimensionCount;
  // A NaN value (which a degenerate model could produce) ranks last instead of scrambling the order.
  const score = (c: number): number => (Number.isNaN(values[c]!) ? -Infinity : values[c]!);
  const order = new Uint32Array(candidates.count);
  for (let c = 0; c < candidates.count; c++) order[c] = c;
  order.sort((a, b) => score(b) - score(a) || a - b);
  const candidate = (rank: number): RankedPoint => {
    const c = order[rank]!;
    return { point: candidates.points.subarray(c * d, (c + 1) * d), value: values[c]! };
  };
  let next = 0;
  if (options.refine) {
    const polished: RankedPoint[] = [];
    const seen = new Set<string>();
    for (; next < order.length && polished.length < options.starts; next++) {
      const start = candidate(next);
      const key = start.point.join(',');
      if (seen.has(key)) continue;
      seen.add(key);
      polished.push(refine(surface, mapping, start));
    }
    polished.sort((a, b) => b.value - a.value);
    yield* polished;
  }
  for (; next < order.length; next++) yield candidate(next);
}

function refine(surface: AcquisitionSurface, mapping: KernelInputs, start: RankedPoint): RankedPoint {
  let best: RankedPoint = { point: start.point.slice(), value: start.value };
  for (let round = 0; round < REFINE_ROUNDS; round++) {
    let improved = false;
    if (mapping.continuous.length > 0) {
      const moved = gradientSearch(surface, mapping, best);
      if (moved.value > best.value + MIN_GAIN) {
        best = moved;
        improved = true;
      }
    }
    for (const axis of mapping.finite) {
      const moved = coordinateMove(surface, axis, best);
      if (moved.value > best.value + MIN_GAIN) {
        best = moved;
        improved = true;
      }
    }
    if (!improved || mapping.finite.length === 0) break;
  }
  return best;
}

/** Quasi-Newton ascent over the continuous coordinates, the finite ones held at their current values. */
function gradientSearch(surface: AcquisitionSurface, mapping: KernelInputs, from: RankedPoint): RankedPoint {
  const coordinates = mapping.continuous;
  const point = from.point.slice();
  const fullGradient = new Float64Array(mapping.dimensionCount);
  const lower = new Float64Array(coordinates.length);
  const upper = new Float64Array(coordinates.length).fill(1);
  const result = minimiseInBox(
    {
      lower,
      upper,
      evaluate(x, gradient) {
        coordinates.forEach((j, k) => (point[j] = x[k]!));
        const value = surface.valueAndGradient(point, fullGradient);
        coordinates.forEach((j, k) => (gradient[k] = -fullGradient[j]!));
        return Number.isFinite(value) ? -value : Infinity;
      },
    },
    coordinates.map((j) => from.point[j]!),
    GRADIENT_OPTIONS,
  );
  coordinates.forEach((j, k) => (point[j] = result.x[k]!));
  return { point, value: -result.value };
}

/** The best value of one finite coordinate, the others fixed. */
function coordinateMove(surface: AcquisitionSurface, axis: FiniteAxis, from: RankedPoint): RankedPoint {
  const d = surface.dimensionCount;
  const current = axis.indexOf(from.point[axis.coordinate]!);
  const indices: number[] = [];
  if (axis.size <= (axis.categorical ? EXHAUSTIVE_CATEGORY_COUNT : EXHAUSTIVE_AXIS_SIZE)) {
    for (let index = 0; index < axis.size; index++) if (index !== current) indices.push(index);
  } else {
    for (let step = 1; step < axis.size; step *= 2) {
      if (current - step >= 0) indices.push(current - step);
      if (current + step < axis.size) indices.push(current + step);
    }
  }
  if (indices.length === 0) return from;
  const trials = new Float64Array(indices.length * d);
  indices.forEach((index, t) => {
    trials.set(from.point, t * d);
    trials[t * d + axis.coordinate] = axis.centre(index);
  });
  const values = surface.values(trials, indices.length);
  let bestTrial = -1;
  let bestValue = from.value;
  for (let t = 0; t < indices.length; t++) {
    if (values[t]! > bestValue) {
      bestValue = values[t]!;
      bestTrial = t;
    }
  }
  return bestTrial < 0 ? from : { point: trials.slice(bestTrial * d, (bestTrial + 1) * d), value: bestValue };
}
