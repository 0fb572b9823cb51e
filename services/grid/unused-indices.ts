/**
 * The indices from 0 up to (not including) `size`, in increasing order, that `used` does not hold, after passing
 * over the first `skip` of them.
 *
 * Only the used indices are sorted; the grid itself is never listed, and skipped indices are counted a gap at a
 * time, so the cost is O(u log u) for u used indices plus one step per index handed out, however large the grid
 * or the skip. Duplicates in `used` are harmless.
 */
export function* unusedIndices(used: Iterable<number>, size: number, skip = 0): Generator<number> {
  const taken = Float64Array.from(used).sort();
  let next = 0;
  let toSkip = skip;
  for (const index of taken) {
    // Everything between the previous used index and this one is free.
    const gap = Math.min(index, size) - next;
    if (gap > 0 && toSkip > 0) {
      const skipped = Math.min(gap, toSkip);
      next += skipped;
      toSkip -= skipped;
    }
    while (next < index && next < size) yield next++;
    if (next === index) next++;
  }
  if (toSkip > 0) next = Math.min(size, next + toSkip);
  while (next < size) yield next++;
}
