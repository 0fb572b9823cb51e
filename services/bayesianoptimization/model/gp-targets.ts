import { fitYeoJohnsonLambda, yeoJohnson } from './output-warping.js';

/**
 * From losses to the values the GP models. The GP has a zero mean and a unit-scale prior, so losses are
 * standardised (the constant mean is their sample mean); skewed losses are also warped towards normal.
 */

/** Losses mapped to mean 0 and standard deviation 1. */
export interface Standardisation {
  mean: number;
  scale: number;
  values: Float64Array;
}

export function standardise(losses: readonly number[]): Standardisation {
  const n = losses.length;
  // Dividing first keeps the sums finite however large the losses are.
  let largest = 0;
  for (const loss of losses) largest = Math.max(largest, Math.abs(loss));
  const unit = largest > 0 && Number.isFinite(largest) ? largest : 1;
  let mean = 0;
  for (const loss of losses) mean += loss / unit / n;
  let squares = 0;
  for (const loss of losses) squares += (loss / unit - mean) ** 2;
  const sd = Math.sqrt(squares / n);
  const scale = sd > 1e-12 ? sd * unit : 1;
  mean *= unit;
  return { mean, scale, values: Float64Array.from(losses, (loss) => (loss - mean) / scale) };
}

/** Standardised, then Yeo-Johnson transformed (see output-warping.ts), then standardised again. */
export function warpLosses(losses: readonly number[]): Float64Array {
  const standardised = standardise(losses).values;
  const lambda = fitYeoJohnsonLambda(standardised);
  return standardise(Array.from(standardised, (value) => yeoJohnson(value, lambda))).values;
}
