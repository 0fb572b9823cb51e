/**
 * The indices from 0 up to (not including) `size`, in increasing order, that `used` does not hold.
 *
 * Only the used indices are sorted; the grid itself is never listed, so the cost is O(u log u) for u used
 * indices plus one step per index handed out, however large the grid. Duplicates in `used` are harmless.
 */
export function* unusedIndices(used: Iterable<number>, size: number): Generator<number> {
  const taken = Float64Array.from(used).sort();
  let next = 0;
  for (const index of taken) {
    // Everything between the previous used index and this one is free.
    while (next < index && next < size) yield next++;
    if (next === index) next++;
  }
  while (next < size) yield next++;
}
