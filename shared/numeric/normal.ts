import { erfcx } from './erfcx.js';

/** The standard normal distribution's density, distribution function and quantile, accurate in both tails. */

const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export function normalPdf(z: number): number {
  return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
}

export function logNormalPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** Phi(z) = erfc(-z / sqrt 2) / 2, with the exp(-z^2/2) factor kept apart so the lower tail never cancels. */
export function normalCdf(z: number): number {
  const half = 0.5 * erfcx(Math.abs(z) * Math.SQRT1_2) * Math.exp(-0.5 * z * z);
  return z < 0 ? half : 1 - half;
}

/** log Phi(z), finite for every finite z (log Phi(-40) is about -804.6). */
export function logNormalCdf(z: number): number {
  if (z < 0) return Math.log(0.5 * erfcx(-z * Math.SQRT1_2)) - 0.5 * z * z;
  return Math.log1p(-0.5 * erfcx(z * Math.SQRT1_2) * Math.exp(-0.5 * z * z));
}

/**
 * The z with Phi(z) = p, for p in (0, 1): Newton's method on log Phi from a bracketing guess. Newton on the log
 * converges from anywhere in the lower tail (log Phi is concave), and the upper half uses the symmetry
 * Phi^-1(p) = -Phi^-1(1 - p).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) {
    if (p === 0) return -Infinity;
    if (p === 1) return Infinity;
    return NaN;
  }
  if (p > 0.5) return -normalQuantile(1 - p);
  const target = Math.log(p);
  let z = p > 0.1 ? 0 : -Math.sqrt(-2 * target);
  for (let iteration = 0; iteration < 100; iteration++) {
    const logCdf = logNormalCdf(z);
    // d/dz log Phi(z) = phi(z) / Phi(z).
    const slope = Math.exp(logNormalPdf(z) - logCdf);
    const step = (logCdf - target) / slope;
    z -= step;
    if (Math.abs(step) <= 1e-15 * Math.max(1, Math.abs(z))) break;
  }
  return z;
}
