import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SobolDesign } from '../../shared/design/sobol-design.js';
import { UsedPoints } from '../../shared/algorithm/used-points.js';
import { Rng } from '../../shared/random/rng.js';
import { NumericDimension } from '../../shared/space/numeric-dimension.js';
import { SearchSpace } from '../../shared/space/search-space.js';
import { continuous, integer } from '../bayesianoptimization/test-spaces.js';

function designPoints(space: SearchSpace, count: number, name = 'design', randomState?: number): number[][] {
  const design = new SobolDesign(space, 'design', name, randomState);
  const used = new UsedPoints(space, []);
  return Array.from({ length: count }, (_, i) => design.take(i, used, new Rng([1, 2, 3, 4])));
}

describe('Sobol design', () => {
  it('puts the first 16 points of two uniform parameters one in each cell of a 4 x 4 grid', () => {
    const points = designPoints(new SearchSpace([continuous('a'), continuous('b')]), 16);
    assert.equal(new Set(points.map(([a, b]) => Math.floor(a! * 4) * 4 + Math.floor(b! * 4))).size, 16);
  });

  it('follows a NORMAL distribution: about 68% of the points within one sigma of the centre', () => {
    const normal = new NumericDimension({ name: 'n', kind: 'double', min: 0, max: 6, step: undefined, logScale: false, normalPrior: true });
    const points = designPoints(new SearchSpace([normal, continuous('u')]), 64);
    // sigma is a sixth of the range: one sigma either side of the centre is the middle third.
    const middle = points.filter(([u]) => u! > 1 / 3 && u! < 2 / 3).length / points.length;
    assert.ok(middle > 0.6 && middle < 0.76, `share in the middle third: ${middle}`);
    const uniformMiddle = points.filter(([, u]) => u! > 1 / 3 && u! < 2 / 3).length / points.length;
    assert.ok(Math.abs(uniformMiddle - 1 / 3) < 0.05, `uniform share: ${uniformMiddle}`);
  });

  it('is one sequence per experiment and purpose: assignment i gets the same point in every call, and random_state replaces the name', () => {
    const space = new SearchSpace([continuous('a'), integer('k', 1, 100)]);
    const whole = designPoints(space, 6, 'alpha');
    const design = new SobolDesign(space, 'design', 'alpha', undefined);
    const used = new UsedPoints(space, whole.slice(0, 4).map((point) => space.key(point)));
    assert.deepEqual([design.take(4, used, new Rng([9, 9, 9, 9])), design.take(5, used, new Rng([9, 9, 9, 9]))], whole.slice(4));
    assert.notDeepEqual(designPoints(space, 6, 'beta'), whole);
    assert.deepEqual(designPoints(space, 6, 'alpha', 5), designPoints(space, 6, 'beta', 5));
  });

  it('skips to the next design point when its own is taken in a small space', () => {
    const space = new SearchSpace([integer('k', 1, 3)]);
    const points = designPoints(space, 3);
    assert.equal(new Set(points.map((point) => space.key(point))).size, 3);
  });
});
