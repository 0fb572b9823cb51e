/** Median and quartiles. */
export interface Quartiles {
  q1: number;
  median: number;
  q3: number;
}

/** The p-quantile (0 <= p <= 1) of ascending `sorted`, interpolated linearly between order statistics (numpy's default). */
export function quantileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('quantile of no values');
  const position = (sorted.length - 1) * p;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const low = sorted[below]!;
  const high = sorted[above]!;
  // Infinity - Infinity is NaN: equal order statistics need no interpolation.
  return below === above || low === high ? low : low + (high - low) * (position - below);
}

export function quartiles(values: readonly number[]): Quartiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { q1: quantileOfSorted(sorted, 0.25), median: quantileOfSorted(sorted, 0.5), q3: quantileOfSorted(sorted, 0.75) };
}

export function percentile(values: readonly number[], p: number): number {
  return quantileOfSorted([...values].sort((a, b) => a - b), p / 100);
}
