import { normalCdf, normalQuantile } from '../numeric/normal.js';
import type { Rng } from '../random/rng.js';

/**
 * The declared distribution of a NORMAL or LOG_NORMAL parameter on its encoding: a normal truncated to [0, 1],
 * centred between the first and last values a trial can take (on the parameter's scale, so in the encoding),
 * with sigma a sixth of their span. The one definition that random sampling, TPE's prior kernel and the GP's
 * initial design share.
 */
export interface NormalPrior {
  readonly centre: number;
  readonly sigma: number;
}

/** The prior between encoded positions `first` and `last` (0 and 1 for a continuous double). */
export function normalPriorBetween(first: number, last: number): NormalPrior {
  return { centre: (first + last) / 2, sigma: (last - first) / 6 };
}

/** A draw from the prior, by rejection (which accepts well over 99% of draws). */
export function sampleNormalPrior(prior: NormalPrior, rng: Rng): number {
  if (!(prior.sigma > 0)) return prior.centre;
  for (;;) {
    const u = prior.centre + prior.sigma * rng.normal();
    if (u >= 0 && u <= 1) return u;
  }
}

/** The position below which the prior puts probability `p`: moves a uniform (e.g. low-discrepancy) point onto it. */
export function normalPriorQuantile(prior: NormalPrior, p: number): number {
  if (!(prior.sigma > 0)) return prior.centre;
  const low = normalCdf((0 - prior.centre) / prior.sigma);
  const high = normalCdf((1 - prior.centre) / prior.sigma);
  return prior.centre + prior.sigma * normalQuantile(low + p * (high - low));
}
