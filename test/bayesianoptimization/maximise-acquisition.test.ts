import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AcquisitionSurface } from '../../services/bayesianoptimization/acquisition/acquisition-function.js';
import { KernelInputs } from '../../services/bayesianoptimization/model/kernel-inputs.js';
import { localCandidates, sobolCandidates } from '../../services/bayesianoptimization/optimizer/candidates.js';
import { maximiseAcquisition } from '../../services/bayesianoptimization/optimizer/maximise-acquisition.js';
import { Rng } from '../../shared/random/rng.js';
import { SearchSpace } from '../../shared/space/search-space.js';
import { categorical, continuous, integer } from './test-spaces.js';

/**
 * A known surface over (x, y continuous, n integer in 1..40, c categorical): a smooth bump at x = 0.23,
 * y = 0.81, best at n = 29 and category "c", with value 0 at the top.
 */
const space = new SearchSpace([continuous('x'), continuous('y'), integer('n', 1, 40), categorical('c', ['a', 'b', 'c', 'd'])]);
const mapping = new KernelInputs(space);
const nAxis = mapping.finite[0]!;
const cAxis = mapping.finite[1]!;

const surface: AcquisitionSurface = {
  dimensionCount: 4,
  values(points, count) {
    const values = new Float64Array(count);
    for (let i = 0; i < count; i++) values[i] = valueAt(points.subarray(4 * i, 4 * i + 4), new Float64Array(4));
    return values;
  },
  valueAndGradient(point, gradient) {
    return valueAt(point, gradient);
  },
};

function valueAt(point: ArrayLike<number>, gradient: Float64Array): number {
  const x = point[0]!;
  const y = point[1]!;
  const n = nAxis.indexOf(point[2]!) + 1;
  const c = cAxis.indexOf(point[3]!);
  gradient[0] = -2 * (x - 0.23) * 3;
  gradient[1] = -2 * (y - 0.81);
  gradient[2] = 0;
  gradient[3] = 0;
  return -3 * (x - 0.23) ** 2 - (y - 0.81) ** 2 - ((n - 29) / 40) ** 2 - (c === 2 ? 0 : 0.05);
}

describe('acquisition maximisation', () => {
  it('finds the maximum of a known mixed surface: continuous by gradient, finite by coordinate moves', () => {
    const candidates = sobolCandidates(mapping, 64, new Rng([1, 2, 3, 4]));
    const ranked = [...maximiseAcquisition(surface, mapping, candidates, surface.values(candidates.points, candidates.count), { refine: true, starts: 3 })];
    const best = ranked[0]!;
    assert.ok(Math.abs(best.point[0]! - 0.23) < 1e-4 && Math.abs(best.point[1]! - 0.81) < 1e-4, `x, y = ${best.point[0]}, ${best.point[1]}`);
    assert.equal(space.decode(Array.from(best.point))[2]!.value, '29');
    assert.equal(space.decode(Array.from(best.point))[3]!.value, 'c');
    assert.ok(best.value > -1e-8);
  });

  it('only ranks the candidates without refinement, best first, and keeps every candidate', () => {
    const candidates = sobolCandidates(mapping, 32, new Rng([5, 6, 7, 8]));
    const values = surface.values(candidates.points, candidates.count);
    const ranked = [...maximiseAcquisition(surface, mapping, candidates, values, { refine: false, starts: 3 })];
    assert.equal(ranked.length, 32);
    assert.equal(ranked[0]!.value, Math.max(...values));
    for (let i = 1; i < ranked.length; i++) assert.ok(ranked[i - 1]!.value >= ranked[i]!.value);
  });

  it('makes candidates that are snapped to values the space holds', () => {
    const rng = new Rng([9, 9, 9, 9]);
    const sets = [sobolCandidates(mapping, 16, rng), localCandidates(mapping, [[0.99, 0.01, 0.5, 0.4]], 16, 0.2, rng)];
    for (const set of sets) {
      for (let i = 0; i < set.count; i++) {
        const point = Array.from(set.points.subarray(4 * i, 4 * i + 4));
        assert.deepEqual(space.canonical(point).slice(2), point.slice(2));
        assert.ok(point.every((u) => u >= 0 && u <= 1));
      }
    }
  });
});
