import { erfcx } from '../../shared/numeric/erfcx.js';
import { logNormalCdf, logNormalPdf, normalCdf } from '../../shared/numeric/normal.js';

/**
 * The normal-distribution numerics truncated Gaussian kernels need beyond shared/numeric/normal.ts: the mass of
 * an interval, accurate over the whole real line (including the far tails, where a naive `log(Phi(b) - Phi(a))`
 * underflows to -Infinity, and narrow intervals, where it cancels), erf for it, and log-sum-exp.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const SQRT_HALF = Math.SQRT1_2;
const LN2 = Math.LN2;

/**
 * erf(x) for 0 <= x < 0.5: 2/sqrt(pi) exp(-x^2) sum_{n>=0} (2x^2)^n x / (1*3*...*(2n+1)). Every term is
 * positive, so the sum has no cancellation, where 1 - erfc(x) would lose the leading digits of a small erf.
 */
function erfBySeries(x: number): number {
  const twoXSquared = 2 * x * x;
  let term = x;
  let sum = x;
  for (let n = 1; term > 1e-17 * sum; n++) {
    term *= twoXSquared / (2 * n + 1);
    sum += term;
  }
  return TWO_OVER_SQRT_PI * Math.exp(-x * x) * sum;
}

/** Beyond this argument erfc(x) is below the smallest double. */
const ERFC_UNDERFLOW = 27.3;

export function erfc(x: number): number {
  if (x < 0) return 2 - erfc(-x);
  return x > ERFC_UNDERFLOW ? 0 : Math.exp(-x * x) * erfcx(x);
}

export function erf(x: number): number {
  if (x < 0) return -erf(-x);
  return x < 0.5 ? erfBySeries(x) : 1 - erfc(x);
}

/** log(1 - exp(x)) for x <= 0, accurate both near 0 and far below it. */
export function log1mExp(x: number): number {
  return x > -LN2 ? Math.log(-Math.expm1(x)) : Math.log1p(-Math.exp(x));
}

/** Below this width (in standard deviations) a mass is the midpoint rule's width times density. */
const NARROW_INTERVAL = 1e-6;

/**
 * log(Phi(b) - Phi(a)) for a <= b: the log of the standard normal's mass on [a, b]. It stays accurate for
 * intervals far in either tail (both ends are mirrored into the lower tail, where Phi has full relative
 * precision) and for very narrow intervals (where the difference of two close Phi values would cancel).
 */
export function logNormalMass(a: number, b: number): number {
  if (!(a < b)) return -Infinity;
  if (b - a < NARROW_INTERVAL) return Math.log(b - a) + logNormalPdf((a + b) / 2);
  if (a >= 0) return logNormalMass(-b, -a);
  if (b <= 0) {
    if (b > -30) {
      // Phi(b) is far from underflow: subtract directly, unless the two values are so close that their
      // difference would lose more than three of its digits.
      const upper = normalCdf(b);
      const difference = upper - normalCdf(a);
      if (difference > 1e-3 * upper) return Math.log(difference);
    }
    const logUpper = logNormalCdf(b);
    return logUpper + log1mExp(logNormalCdf(a) - logUpper);
  }
  // The interval holds 0. When it reaches past one sigma on both sides, the two tails it leaves out hold less
  // than a third of the mass and 1 minus them is accurate (and cheap: far tails underflow to 0 at once);
  // otherwise its mass is (Phi(b) - 1/2) + (1/2 - Phi(a)), two positive halves given by erf.
  if (a < -1 && b > 1) return Math.log1p(-(normalCdf(a) + normalCdf(-b)));
  return Math.log(0.5 * (erf(b * SQRT_HALF) + erf(-a * SQRT_HALF)));
}

/**
 * Terms this far (in nats) below the largest add less than 2e-22 each to a log-sum-exp: skipping their exp
 * changes no sum of fewer than a million terms in double precision, and most kernels of a large mixture are
 * that far from any given point.
 */
const NEGLIGIBLE = -50;

/** log(sum(exp(values))) over `length` entries of `values` starting at `offset` with `stride`, without overflow. */
export function logSumExp(values: ArrayLike<number>, offset = 0, length = values.length, stride = 1): number {
  let max = -Infinity;
  for (let i = 0, j = offset; i < length; i++, j += stride) if (values[j]! > max) max = values[j]!;
  if (max === -Infinity) return -Infinity;
  if (max === Infinity) return Infinity;
  let sum = 0;
  for (let i = 0, j = offset; i < length; i++, j += stride) {
    const difference = values[j]! - max;
    if (difference > NEGLIGIBLE) sum += Math.exp(difference);
  }
  return max + Math.log(sum);
}
