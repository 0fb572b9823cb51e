/**
 * Dense Cholesky factorisation and triangular solves on row-major Float64Arrays.
 *
 * Matrices are stored row-major with a row `stride` that may exceed the order `n`, so a factor can grow by
 * appending rows (fantasised observations) without moving what is already there. Only the lower triangle of
 * a factor is meaningful. Every inner loop runs along a row, so memory is read in order.
 */

/**
 * Overwrites the lower triangle of `a` (order n) with L such that L L^T = a, reading only the lower triangle.
 * Returns false, leaving `a` partly overwritten, when a pivot is not positive (a is not numerically positive definite).
 */
export function choleskyInPlace(a: Float64Array, n: number, stride: number): boolean {
  for (let i = 0; i < n; i++) {
    const rowI = i * stride;
    for (let j = 0; j <= i; j++) {
      const rowJ = j * stride;
      let sum = a[rowI + j]!;
      for (let k = 0; k < j; k++) sum -= a[rowI + k]! * a[rowJ + k]!;
      if (j < i) {
        a[rowI + j] = sum / a[rowJ + j]!;
      } else {
        if (!(sum > 0)) return false;
        a[rowI + i] = Math.sqrt(sum);
      }
    }
  }
  return true;
}

/** Smallest jitter tried, relative to the mean diagonal; it grows tenfold per failure up to the largest. */
const FIRST_RELATIVE_JITTER = 1e-10;
const LAST_RELATIVE_JITTER = 1e-2;

/**
 * Factorises the matrix that `fill` writes (its lower triangle, order n, into the buffer it is given) into
 * `factor` in place, adding the smallest diagonal jitter that makes the factorisation succeed: none when it can,
 * then 1e-10 times the mean diagonal, growing tenfold up to 1e-2. A failed attempt has overwritten the buffer, so
 * each retry fills it again; that keeps one n x n buffer instead of two. Returns the jitter added, or undefined
 * when even the largest fails (the matrix holds NaN or is badly indefinite).
 */
export function choleskyWithJitter(factor: Float64Array, n: number, stride: number, fill: (target: Float64Array) => void): number | undefined {
  fill(factor);
  let meanDiagonal = 0;
  for (let i = 0; i < n; i++) meanDiagonal += factor[i * stride + i]!;
  meanDiagonal = n > 0 ? meanDiagonal / n : 1;
  if (!Number.isFinite(meanDiagonal)) return undefined;
  for (let relative = 0; relative <= LAST_RELATIVE_JITTER; relative = relative === 0 ? FIRST_RELATIVE_JITTER : relative * 10) {
    if (relative > 0) {
      fill(factor);
      for (let i = 0; i < n; i++) factor[i * stride + i]! += relative * meanDiagonal;
    }
    if (choleskyInPlace(factor, n, stride)) return relative * meanDiagonal;
  }
  return undefined;
}

/** Solves L x = b for lower-triangular L; `out` may be `b`. */
export function solveLower(factor: Float64Array, n: number, stride: number, b: ArrayLike<number>, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const row = i * stride;
    let sum = b[i]!;
    for (let k = 0; k < i; k++) sum -= factor[row + k]! * out[k]!;
    out[i] = sum / factor[row + i]!;
  }
  return out;
}

/** Solves L^T x = b for lower-triangular L; `out` may be `b`. */
export function solveLowerTransposed(factor: Float64Array, n: number, stride: number, b: ArrayLike<number>, out: Float64Array): Float64Array {
  if (out !== b) for (let i = 0; i < n; i++) out[i] = b[i]!;
  // Column-oriented back substitution: once x_i is known, remove its share from every earlier equation,
  // walking row i of L (which is column i of L^T).
  for (let i = n - 1; i >= 0; i--) {
    const row = i * stride;
    const xi = out[i]! / factor[row + i]!;
    out[i] = xi;
    for (let k = 0; k < i; k++) out[k]! -= factor[row + k]! * xi;
  }
  return out;
}

/**
 * The inverse of the matrix whose Cholesky factor is `factor`, written in full (both triangles) into `inverse`.
 * `scratch` (n * stride) receives L^-1. Cost about n^3 / 3 multiply-adds.
 */
export function inverseFromCholesky(factor: Float64Array, n: number, stride: number, inverse: Float64Array, scratch: Float64Array): void {
  // Row i of M = L^-1 is (e_i - sum_{k<i} L_ik M_k) / L_ii.
  for (let i = 0; i < n; i++) {
    const row = i * stride;
    for (let j = 0; j <= i; j++) scratch[row + j] = 0;
    for (let k = 0; k < i; k++) {
      const lik = factor[row + k]!;
      if (lik === 0) continue;
      const rowK = k * stride;
      for (let j = 0; j <= k; j++) scratch[row + j]! -= lik * scratch[rowK + j]!;
    }
    scratch[row + i] = 1;
    const inverseDiagonal = 1 / factor[row + i]!;
    for (let j = 0; j <= i; j++) scratch[row + j]! *= inverseDiagonal;
  }
  // (L L^T)^-1 = M^T M: entry (i, j) sums M_ki M_kj over the rows k >= max(i, j).
  for (let i = 0; i < n; i++) {
    const row = i * stride;
    for (let j = 0; j <= i; j++) inverse[row + j] = 0;
  }
  for (let k = 0; k < n; k++) {
    const rowK = k * stride;
    for (let i = 0; i <= k; i++) {
      const mki = scratch[rowK + i]!;
      if (mki === 0) continue;
      const row = i * stride;
      for (let j = 0; j <= i; j++) inverse[row + j]! += mki * scratch[rowK + j]!;
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) inverse[j * stride + i] = inverse[i * stride + j]!;
  }
}
