import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsedPoints } from '../../shared/algorithm/used-points.js';
import { ServiceError } from '../../shared/errors/service-error.js';
import { Rng } from '../../shared/random/rng.js';
import { categoricalParameter, intParameter, searchSpaceOf } from '../support/requests.js';

describe('UsedPoints.takeRandom', () => {
  // 40 x 3 = 120 points: rejection sampling gives up long before the space is full, so most takes below go
  // through the list of unused indices, which `add` must keep in step.
  const space = searchSpaceOf(intParameter('n', '1', '40'), categoricalParameter('c', ['a', 'b', 'c']));

  it('fills a finite space exactly once, interleaved with points taken by add, then refuses', () => {
    const used = new UsedPoints(space, [space.key(space.pointAt(0)), space.key(space.pointAt(7))]);
    const rng = new Rng([5, 6, 7, 8]);
    const seen = new Set([space.key(space.pointAt(0)), space.key(space.pointAt(7))]);
    for (let index = 1; seen.size < space.size; index += 1) {
      // Every third round an algorithm takes a point of its own choosing, as tpe and the GP do.
      const outside = space.pointAt((index * 37) % space.size);
      if (index % 3 === 0 && used.add(outside)) {
        assert.ok(!seen.has(space.key(outside)));
        seen.add(space.key(outside));
        continue;
      }
      const point = used.takeRandom(rng);
      assert.ok(!seen.has(space.key(point)), `takeRandom repeated ${space.key(point)}`);
      seen.add(space.key(point));
    }
    assert.equal(used.size, space.size);
    assert.throws(() => used.takeRandom(rng), (error: unknown) => error instanceof ServiceError && error.kind === 'space-exhausted');
  });

  it('gives the same points for the same generator', () => {
    const take = () => {
      const used = new UsedPoints(space, []);
      const rng = new Rng([9, 10, 11, 12]);
      return Array.from({ length: space.size }, () => space.key(used.takeRandom(rng)));
    };
    assert.deepEqual(take(), take());
  });
});
