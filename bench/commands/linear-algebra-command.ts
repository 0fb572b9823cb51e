import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { CholeskyDecomposition, Matrix } from 'ml-matrix';
import { choleskyWithJitter, inverseFromCholesky, solveLower, solveLowerTransposed } from '../../shared/numeric/cholesky.js';
import { median } from '../../shared/numeric/percentile.js';
import { rngFromText } from '../../shared/random/seed.js';
import { integerOption } from './option-values.js';

export const LINEAR_ALGEBRA_USAGE = `npm run bench -- linear-algebra [options]
  Times the Gaussian process's linear algebra (shared/numeric/cholesky.ts) against ml-matrix on the same
  matrices: Cholesky factorisation, one solve (L then L^T) and the inverse, for the GP's sizes.
  --sizes LIST    orders of the matrices (default 100,500,1000)
  --repeats N     timed repetitions per size and library, after one untimed warm-up (default 5)`;

/** Median milliseconds of each operation at one size, and how far ml-matrix's answers are from ours. */
interface SizeTiming {
  n: number;
  ours: { factorMs: number; solveMs: number; inverseMs: number };
  mlMatrix: { factorMs: number; solveMs: number; inverseMs: number };
  /** Largest absolute difference between the two solutions and between the two inverses. */
  solveDifference: number;
  inverseDifference: number;
}

/**
 * A covariance matrix as the GP builds one: Matern 5/2 between n uniform points of the 6-D unit cube (length
 * scale 0.3), plus observation noise on the diagonal.
 */
function gpCovariance(n: number): Float64Array {
  const rng = rngFromText(`linear-algebra ${n}`);
  const dimensions = 6;
  const points = Array.from({ length: n }, () => Array.from({ length: dimensions }, () => rng.uniform()));
  const matrix = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let squared = 0;
      for (let d = 0; d < dimensions; d++) squared += ((points[i]![d]! - points[j]![d]!) / 0.3) ** 2;
      const r = Math.sqrt(5 * squared);
      const value = (1 + r + (r * r) / 3) * Math.exp(-r) + (i === j ? 1e-4 : 0);
      matrix[i * n + j] = value;
      matrix[j * n + i] = value;
    }
  }
  return matrix;
}

/** Median time of `repeats` calls of `run` after one untimed warm-up; returns the last result too. */
function timed<T>(repeats: number, run: () => T): { ms: number; result: T } {
  let result = run();
  const samples: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    result = run();
    samples.push(performance.now() - start);
  }
  return { ms: median(samples), result };
}

function timeSize(n: number, repeats: number): SizeTiming {
  const matrix = gpCovariance(n);
  const rng = rngFromText(`linear-algebra rhs ${n}`);
  const b = Float64Array.from({ length: n }, () => rng.normal());

  const factor = new Float64Array(n * n);
  const ourFactor = timed(repeats, () => choleskyWithJitter(factor, n, n, (target) => target.set(matrix)));
  if (ourFactor.result !== 0) throw new Error(`the test matrix of order ${n} needed jitter ${ourFactor.result}`);
  const ourSolve = timed(repeats, () => solveLowerTransposed(factor, n, n, solveLower(factor, n, n, b, new Float64Array(n)), new Float64Array(n)));
  const inverse = new Float64Array(n * n);
  const scratch = new Float64Array(n * n);
  const ourInverse = timed(repeats, () => inverseFromCholesky(factor, n, n, inverse, scratch));

  const dense = new Matrix(Array.from({ length: n }, (_, i) => Array.from(matrix.subarray(i * n, (i + 1) * n))));
  const theirFactor = timed(repeats, () => new CholeskyDecomposition(dense));
  const decomposition = theirFactor.result;
  if (!decomposition.isPositiveDefinite()) throw new Error(`ml-matrix finds the matrix of order ${n} not positive definite`);
  const column = Matrix.columnVector(Array.from(b));
  const theirSolve = timed(repeats, () => decomposition.solve(column));
  const identity = Matrix.eye(n, n);
  const theirInverse = timed(repeats, () => decomposition.solve(identity));

  let solveDifference = 0;
  for (let i = 0; i < n; i++) solveDifference = Math.max(solveDifference, Math.abs(ourSolve.result[i]! - theirSolve.result.get(i, 0)));
  let inverseDifference = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) inverseDifference = Math.max(inverseDifference, Math.abs(inverse[i * n + j]! - theirInverse.result.get(i, j)));
  }
  return {
    n,
    ours: { factorMs: ourFactor.ms, solveMs: ourSolve.ms, inverseMs: ourInverse.ms },
    mlMatrix: { factorMs: theirFactor.ms, solveMs: theirSolve.ms, inverseMs: theirInverse.ms },
    solveDifference,
    inverseDifference,
  };
}

export function linearAlgebraCommand(args: string[]): void {
  const { values } = parseArgs({ args, options: { sizes: { type: 'string' }, repeats: { type: 'string' } }, strict: true });
  const sizes = (values.sizes ?? '100,500,1000').split(',').map((text) => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--sizes: "${text}" is not a positive integer`);
    return n;
  });
  const repeats = integerOption('repeats', values.repeats, 5, 1);
  const ms = (value: number) => value.toFixed(value < 10 ? 2 : 1);
  console.log('| n | factor: ours / ml-matrix (ms) | solve: ours / ml-matrix (ms) | inverse: ours / ml-matrix (ms) | largest difference: solve, inverse |');
  console.log('|---|---|---|---|---|');
  for (const n of sizes) {
    const timing = timeSize(n, repeats);
    console.log(
      `| ${n} | ${ms(timing.ours.factorMs)} / ${ms(timing.mlMatrix.factorMs)} | ${ms(timing.ours.solveMs)} / ${ms(timing.mlMatrix.solveMs)} | ` +
        `${ms(timing.ours.inverseMs)} / ${ms(timing.mlMatrix.inverseMs)} | ${timing.solveDifference.toExponential(1)}, ${timing.inverseDifference.toExponential(1)} |`,
    );
  }
}
