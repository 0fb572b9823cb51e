/**
 * The p-th percentile of a sample, interpolating linearly between the two nearest order statistics (the
 * definition most statistics packages use by default). At p = 50 it is the usual median: the middle value of an
 * odd count, the mean of the two middle values of an even one.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile: p must be in [0, 100], got ${p}`);
  if (values.length === 0) throw new RangeError('percentile: the sample is empty');
  if (!values.every(Number.isFinite)) throw new RangeError('percentile: the sample holds a value that is not finite');
  const sorted = [...values].sort((a, b) => a - b);
  const position = ((sorted.length - 1) * p) / 100;
  const below = Math.floor(position);
  const above = Math.ceil(position);
  const fraction = position - below;
  return fraction === 0 ? sorted[below]! : sorted[below]! + (sorted[above]! - sorted[below]!) * fraction;
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
