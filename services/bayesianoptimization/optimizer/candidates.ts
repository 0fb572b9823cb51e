import type { Rng } from '../../../shared/random/rng.js';
import type { Point } from '../../../shared/space/search-space.js';
import type { KernelInputs } from '../model/kernel-inputs.js';
import { ScrambledSobol } from '../../../shared/numeric/scrambled-sobol.js';

/** Start points for acquisition search, row-major in the encoded space, every one snapped to values trials can take. */
export interface CandidateSet {
  points: Float64Array;
  count: number;
}

/** `count` scrambled Sobol points: an even cover of the whole space. */
export function sobolCandidates(mapping: KernelInputs, count: number, rng: Rng): CandidateSet {
  const d = mapping.dimensionCount;
  const points = new ScrambledSobol(d, rng).take(count);
  for (let c = 0; c < count; c++) mapping.snap(points, c * d);
  return { points, count };
}

/**
 * `perCentre` points around each of `centres` (typically the best trials): numeric coordinates moved by a normal
 * step of `spread` (in encoded units), categorical ones switched to a random category with probability 1/d.
 * They let the search exploit the neighbourhood of what already works, which a global cover samples thinly.
 */
export function localCandidates(mapping: KernelInputs, centres: readonly Point[], perCentre: number, spread: number, rng: Rng): CandidateSet {
  const d = mapping.dimensionCount;
  const count = centres.length * perCentre;
  const points = new Float64Array(count * d);
  let row = 0;
  for (const centre of centres) {
    for (let k = 0; k < perCentre; k++, row++) {
      for (let j = 0; j < d; j++) {
        if (mapping.categorical[j]) {
          points[row * d + j] = rng.uniform() < 1 / d ? rng.uniform() : centre[j]!;
        } else {
          points[row * d + j] = centre[j]! + spread * rng.normal();
        }
      }
      mapping.snap(points, row * d);
    }
  }
  return { points, count };
}

/** Every point of a small finite space, in its mixed-radix order. */
export function enumeratedCandidates(points: readonly Point[], dimensionCount: number): CandidateSet {
  const flat = new Float64Array(points.length * dimensionCount);
  points.forEach((point, c) => flat.set(point, c * dimensionCount));
  return { points: flat, count: points.length };
}

/** The candidate sets one after another. */
export function concatenate(sets: readonly CandidateSet[], dimensionCount: number): CandidateSet {
  const count = sets.reduce((sum, set) => sum + set.count, 0);
  const points = new Float64Array(count * dimensionCount);
  let offset = 0;
  for (const set of sets) {
    points.set(set.points.subarray(0, set.count * dimensionCount), offset);
    offset += set.count * dimensionCount;
  }
  return { points, count };
}
