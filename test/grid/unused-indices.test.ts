import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { unusedIndices } from '../../services/grid/unused-indices.js';

function take(count: number, indices: Iterable<number>): number[] {
  const taken: number[] = [];
  for (const index of indices) {
    if (taken.length === count) break;
    taken.push(index);
  }
  return taken;
}

test('skips used indices, in any order and with duplicates', () => {
  assert.deepEqual([...unusedIndices([4, 0, 2, 2, 7], 9)], [1, 3, 5, 6, 8]);
});

test('yields nothing when every index is used', () => {
  assert.deepEqual([...unusedIndices([1, 0, 2], 3)], []);
});

test('ignores used indices at or past the size', () => {
  assert.deepEqual([...unusedIndices([1, 5, 10], 4)], [0, 2, 3]);
});

test('walks the start of a grid far too large to list', () => {
  assert.deepEqual(take(4, unusedIndices([1e12 - 1, 0, 3], 1e12)), [1, 2, 4, 5]);
});

test('agrees with filtering the whole range', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 60 }), fc.array(fc.integer({ min: 0, max: 80 })), (size, used) => {
      const expected = Array.from({ length: size }, (_, index) => index).filter((index) => !used.includes(index));
      assert.deepEqual([...unusedIndices(used, size)], expected);
    }),
  );
});

test('passes over the first `skip` free indices, counting whole gaps at once however large the skip', () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 60 }), fc.array(fc.integer({ min: 0, max: 80 })), fc.integer({ min: 0, max: 90 }), (size, used, skip) => {
      const expected = Array.from({ length: size }, (_, index) => index).filter((index) => !used.includes(index)).slice(skip);
      assert.deepEqual([...unusedIndices(used, size, skip)], expected);
    }),
  );
  assert.deepEqual(take(2, unusedIndices([0, 5], 1e15, 2 ** 31)), [2 ** 31 + 2, 2 ** 31 + 3]);
  assert.deepEqual([...unusedIndices([0], 4, 2 ** 31)], []);
});
