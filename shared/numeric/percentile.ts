/**
 * The p-quantile (0 <= p <= 1) of ascending `sorted`, interpolated linearly between the two nearest order
 * statistics (numpy's default, and most statistics packages'). Infinite values are allowed: equal order
 * statistics need no interpolation, so a run of +Infinity stays +Infinity instead of becoming NaN.
 */
export function quantileOfSorted(sorted: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 1)) throw new RangeError(`quantile: p must be in [0, 1], got ${p}`);
  if (sorted.length === 0) throw new RangeError('quantile: the sample is empty');
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below]!;
  const high = sorted[above]!;
  return below === above || low === high ? low : low + (high - low) * (position - below);
}

/** The p-th percentile (0 <= p <= 100) of a sample in any order; NaN in it is a programming error. */
export function percentile(values: readonly number[], p: number): number {
  if (values.some(Number.isNaN)) throw new RangeError('percentile: the sample holds NaN');
  return quantileOfSorted([...values].sort((a, b) => a - b), p / 100);
}

/** The middle value of an odd count, the mean of the two middle values of an even one. */
export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
