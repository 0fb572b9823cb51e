/**
 * The scaled complementary error function erfcx(x) = exp(x^2) erfc(x).
 *
 * It carries the normal distribution's far tails without underflow: erfc(40) is 1e-697, far below the smallest
 * double, while erfcx(40) is about 0.014. Log-EI and log-PI far from the incumbent (bayesianoptimization) and the masses of truncated Parzen kernels (tpe) rest on it.
 *
 * How it is computed: erfcx solves y' = 2 x y - 2 / sqrt(pi). Differentiating that equation k times gives
 * every Taylor coefficient of y around a point from the value there, so a table of values on a grid of anchors
 * over [0, 8) turns each evaluation into one short polynomial. The anchor values are themselves found by walking
 * that Taylor series down from x = 8, where a continued fraction is exact to the last bit; walking towards zero
 * is the stable direction of the equation (its other solution, exp(x^2), shrinks that way), so rounding errors
 * do not grow. Beyond 8 the continued fraction is used directly, and needs only a few terms there.
 */

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
const INV_SQRT_PI = 1 / Math.sqrt(Math.PI);

/** Spacing of the anchors: |x - anchor| <= 1/16, where degree 20 reaches full double precision. */
const ANCHOR_SPACING = 0.125;
const TABLE_END = 8;
const DEGREE = 20;
const ANCHOR_COUNT = TABLE_END / ANCHOR_SPACING + 1;

/** Taylor coefficients c_0..c_DEGREE of erfcx around `x`, given c_0 = erfcx(x). */
function taylorCoefficients(x: number, value: number, out: Float64Array, offset: number): void {
  out[offset] = value;
  out[offset + 1] = 2 * x * value - TWO_OVER_SQRT_PI;
  // From y^(k+1) = 2 x y^(k) + 2 k y^(k-1), k >= 1, divided by (k+1)!.
  for (let k = 1; k < DEGREE; k++) {
    out[offset + k + 1] = (2 * x * out[offset + k]! + 2 * out[offset + k - 1]!) / (k + 1);
  }
}

function evaluateTaylor(coefficients: Float64Array, offset: number, delta: number): number {
  let sum = coefficients[offset + DEGREE]!;
  for (let k = DEGREE - 1; k >= 0; k--) sum = sum * delta + coefficients[offset + k]!;
  return sum;
}

/**
 * erfc(x) = exp(-x^2) / sqrt(pi) / (x + (1/2) / (x + (2/2) / (x + (3/2) / (x + ...)))), evaluated from the
 * tail back. The truncation error after n terms shrinks like exp(-2 x sqrt(2 n)); the term count below keeps that
 * under 1e-17 for x >= 2.
 */
function erfcxByContinuedFraction(x: number): number {
  const terms = Math.ceil(200 / (x * x)) + 8;
  let tail = x;
  for (let n = terms; n >= 1; n--) tail = x + n / 2 / tail;
  return INV_SQRT_PI / tail;
}

/** Row i holds the Taylor coefficients around i * ANCHOR_SPACING. */
const TABLE = (() => {
  const table = new Float64Array(ANCHOR_COUNT * (DEGREE + 1));
  const scratch = new Float64Array(DEGREE + 1);
  let value = erfcxByContinuedFraction(TABLE_END);
  for (let i = ANCHOR_COUNT - 1; i >= 0; i--) {
    const x = i * ANCHOR_SPACING;
    taylorCoefficients(x, value, table, i * (DEGREE + 1));
    if (i > 0) {
      taylorCoefficients(x, value, scratch, 0);
      value = evaluateTaylor(scratch, 0, -ANCHOR_SPACING);
    }
  }
  return table;
})();

export function erfcx(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x < 0) {
    // erfc(-x) = 2 - erfc(x); exp(x^2) overflows past |x| ~ 26.6.
    return x < -26.6 ? Infinity : 2 * Math.exp(x * x) - erfcx(-x);
  }
  if (x >= TABLE_END) return x === Infinity ? 0 : erfcxByContinuedFraction(x);
  const anchor = Math.round(x / ANCHOR_SPACING);
  return evaluateTaylor(TABLE, anchor * (DEGREE + 1), x - anchor * ANCHOR_SPACING);
}
