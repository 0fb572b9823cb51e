/**
 * The Matern 5/2 covariance with one length scale per input ("ARD") and an output scale:
 *
 *   k(a, b) = s2 (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r),   r^2 = sum_j d_j(a, b)^2 / l_j^2,
 *
 * where d_j is the difference of numeric inputs and, for a categorical input, 1 when the categories differ and
 * 0 when they agree (a Hamming distance, so categories carry no order). Twice differentiable, it is smooth
 * enough for gradient-based acquisition search yet less overconfident than the squared exponential.
 */

const SQRT5 = Math.sqrt(5);

/** (1 + sqrt5 r + 5/3 r^2) exp(-sqrt5 r) for r^2 = `distanceSquared`. */
export function maternCorrelation(distanceSquared: number): number {
  const r = Math.sqrt(distanceSquared);
  return (1 + SQRT5 * r + (5 / 3) * distanceSquared) * Math.exp(-SQRT5 * r);
}

/**
 * r^2 = sum_j d_j^2 / l_j^2 between the inputs at a[aOffset..] and b[bOffset..], one term per entry of
 * `inverseSquared` (1 / l_j^2); a categorical input's d_j is 0 or 1. The hot loops of the GP and its likelihood
 * call this with typed arrays, where V8 inlines it.
 */
export function scaledDistanceSquared(
  a: ArrayLike<number>,
  aOffset: number,
  b: ArrayLike<number>,
  bOffset: number,
  inverseSquared: Float64Array,
  categorical: Uint8Array,
): number {
  let sum = 0;
  for (let j = 0; j < inverseSquared.length; j++) {
    const difference = a[aOffset + j]! - b[bOffset + j]!;
    if (categorical[j]) {
      if (difference !== 0) sum += inverseSquared[j]!;
    } else {
      sum += difference * difference * inverseSquared[j]!;
    }
  }
  return sum;
}

export class MaternKernel {
  readonly dimensionCount: number;
  /** 1 / l_j^2 per input. */
  readonly inverseSquaredLengthScales: Float64Array;

  constructor(
    lengthScales: ArrayLike<number>,
    readonly signalVariance: number,
    /** 1 where the input is categorical. */
    readonly categorical: Uint8Array,
  ) {
    this.dimensionCount = lengthScales.length;
    this.inverseSquaredLengthScales = new Float64Array(this.dimensionCount);
    for (let j = 0; j < this.dimensionCount; j++) this.inverseSquaredLengthScales[j] = 1 / (lengthScales[j]! * lengthScales[j]!);
  }

  /** r^2 between the inputs at a[aOffset..] and b[bOffset..]. */
  distanceSquared(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number): number {
    return scaledDistanceSquared(a, aOffset, b, bOffset, this.inverseSquaredLengthScales, this.categorical);
  }

  covariance(a: ArrayLike<number>, aOffset: number, b: ArrayLike<number>, bOffset: number): number {
    return this.signalVariance * maternCorrelation(this.distanceSquared(a, aOffset, b, bOffset));
  }
}
