import assert from 'node:assert/strict';
import { test } from 'node:test';
import { median, percentile } from '../../shared/numeric/percentile.js';

test('the median of an odd count is the middle value, whatever the input order', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([0.9, 0.1, 0.5, 0.7, 0.3]), 0.5);
  assert.equal(median([42]), 42);
});

test('the median of an even count is the mean of the two middle values, not the mean of all', () => {
  assert.equal(median([1, 2, 4, 100]), 3);
  assert.equal(median([-3, 7]), 2);
});

test('percentiles interpolate linearly between order statistics', () => {
  const sample = [10, 20, 30, 40, 50];
  assert.equal(percentile(sample, 0), 10);
  assert.equal(percentile(sample, 100), 50);
  assert.equal(percentile(sample, 25), 20);
  assert.equal(percentile(sample, 90), 46);
  assert.equal(percentile([1, 2], 75), 1.75);
});

test('the input array is left unsorted', () => {
  const sample = [3, 1, 2];
  percentile(sample, 50);
  assert.deepEqual(sample, [3, 1, 2]);
});

test('infinite values take part without turning the answer into NaN (the bench counts missing trials as infinitely bad)', () => {
  assert.equal(median([1, Infinity, Infinity]), Infinity);
  assert.equal(percentile([1, Infinity, Infinity, Infinity], 50), Infinity);
  assert.equal(percentile([-Infinity, 2, 4], 75), 3);
});

test('an empty sample, NaN or p outside [0, 100] is a programming error', () => {
  assert.throws(() => median([]), RangeError);
  assert.throws(() => median([1, Number.NaN]), RangeError);
  assert.throws(() => percentile([1], 101), RangeError);
  assert.throws(() => percentile([1], Number.NaN), RangeError);
});
