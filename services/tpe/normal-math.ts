/**
 * The standard normal distribution's numerics that truncated Gaussian kernels need, accurate to about 1e-14
 * relative over the whole real line, including the far tails where a naive `log(Phi(z))` underflows to -Infinity.
 *
 * Everything rests on the scaled complementary error function erfcx(x) = exp(x^2) erfc(x) for x >= 0, which is
 * smooth, between 0 and 1, and keeps log(erfc(x)) = log(erfcx(x)) - x^2 finite far out. Kernel scoring calls it
 * hundreds of thousands of times per request, so it is a Chebyshev expansion (24 terms) in
 * t = (x - 4) / (x + 4), which maps [0, Infinity) onto [-1, 1). The expansion's coefficients are computed once, when
 * the module loads, from slow but accurate reference evaluations (a positive series and a continued fraction).
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);
const SQRT_HALF = Math.SQRT1_2;
const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
const LN2 = Math.LN2;

/**
 * Reference erf(x) for x >= 0: 2/sqrt(pi) exp(-x^2) sum_{n>=0} (2x^2)^n x / (1*3*...*(2n+1)). Every term is
 * positive, so the sum has no cancellation.
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

/**
 * Reference erfcx(x) for x >= 1, from erfc(x) = exp(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))),
 * evaluated by the modified Lentz method. It converges in under 200 steps from x = 1 on.
 */
function erfcxByContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let n = 1; n < 1000; n++) {
    const a = n / 2;
    d = x + a * d;
    d = d === 0 ? 1 / tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-17) break;
  }
  return INV_SQRT_PI / f;
}

function erfcxReference(x: number): number {
  return x < 1 ? Math.exp(x * x) * (1 - erfBySeries(x)) : erfcxByContinuedFraction(x);
}

/** Scale of the map between x in [0, Infinity) and t in [-1, 1). */
const MAP_SCALE = 4;
/** Enough terms for the coefficients to fall below 1e-16: they shrink about thirtyfold every two terms. */
const TERMS = 24;

/** Chebyshev coefficients of erfcx(x(t)), x(t) = MAP_SCALE (1 + t) / (1 - t), from its values at the Chebyshev nodes. */
function fitErfcx(): Float64Array {
  const nodes = 2 * TERMS;
  const values = new Float64Array(nodes);
  for (let m = 0; m < nodes; m++) {
    const t = Math.cos((Math.PI * (m + 0.5)) / nodes);
    values[m] = erfcxReference((MAP_SCALE * (1 + t)) / (1 - t));
  }
  const coefficients = new Float64Array(TERMS);
  for (let j = 0; j < TERMS; j++) {
    let sum = 0;
    for (let m = 0; m < nodes; m++) sum += values[m]! * Math.cos((Math.PI * j * (m + 0.5)) / nodes);
    coefficients[j] = (2 * sum) / nodes;
  }
  coefficients[0]! /= 2;
  return coefficients;
}

const ERFCX_COEFFICIENTS = fitErfcx();

/** exp(x^2) erfc(x) for x >= 0 (Clenshaw's recurrence on the fitted expansion). */
export function erfcx(x: number): number {
  if (x === Infinity) return 0;
  const t = (x - MAP_SCALE) / (x + MAP_SCALE);
  const twoT = 2 * t;
  let next = 0;
  let current = 0;
  for (let j = TERMS - 1; j >= 1; j--) {
    const previous = current;
    current = twoT * current - next + ERFCX_COEFFICIENTS[j]!;
    next = previous;
  }
  return t * current - next + ERFCX_COEFFICIENTS[0]!;
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

/** log(erfc(x)), finite for every finite x. */
export function logErfc(x: number): number {
  if (x < 0) return Math.log(erfc(x));
  return Math.log(erfcx(x)) - x * x;
}

/** The standard normal density. */
export function normalPdf(z: number): number {
  return Math.exp(-0.5 * z * z - LOG_SQRT_2PI);
}

export function normalLogPdf(z: number): number {
  return -0.5 * z * z - LOG_SQRT_2PI;
}

/** Phi(z), the standard normal cumulative distribution function. */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z * SQRT_HALF);
}

/** log(Phi(z)), finite for every finite z (about -z^2/2 far in the lower tail). */
export function normalLogCdf(z: number): number {
  if (z === -Infinity) return -Infinity;
  if (z === Infinity) return 0;
  return logErfc(-z * SQRT_HALF) - LN2;
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
  if (b - a < NARROW_INTERVAL) return Math.log(b - a) + normalLogPdf((a + b) / 2);
  if (a >= 0) return logNormalMass(-b, -a);
  if (b <= 0) {
    if (b > -30) {
      // Phi(b) is far from underflow: subtract directly, unless the two values are so close that their
      // difference would lose more than three of its digits.
      const upper = normalCdf(b);
      const difference = upper - normalCdf(a);
      if (difference > 1e-3 * upper) return Math.log(difference);
    }
    const logUpper = normalLogCdf(b);
    return logUpper + log1mExp(normalLogCdf(a) - logUpper);
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
