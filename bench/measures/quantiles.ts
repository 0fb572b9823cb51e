import { quantileOfSorted } from '../../shared/numeric/percentile.js';

/** Median and quartiles. */
export interface Quartiles {
  q1: number;
  median: number;
  q3: number;
}

export function quartiles(values: readonly number[]): Quartiles {
  const sorted = [...values].sort((a, b) => a - b);
  return { q1: quantileOfSorted(sorted, 0.25), median: quantileOfSorted(sorted, 0.5), q3: quantileOfSorted(sorted, 0.75) };
}
