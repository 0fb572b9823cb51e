import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LruMap } from '../../services/medianstop/lru-map.js';

test('forgets the least recently used entry first, counting reads as use, and reports each one it forgets', () => {
  const evicted: [string, number][] = [];
  const map = new LruMap<string, number>(2, (key, value) => evicted.push([key, value]));
  map.set('a', 1);
  map.set('b', 2);
  assert.equal(map.get('a'), 1);
  map.set('c', 3);
  assert.deepEqual(evicted, [['b', 2]]);
  assert.equal(map.get('b'), undefined);
  map.set('a', 10);
  map.set('d', 4);
  assert.deepEqual(evicted, [['b', 2], ['c', 3]]);
  assert.deepEqual([...map.values()], [10, 4]);
  assert.equal(map.size, 2);
});
