import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { minimiseInBox } from '../../shared/numeric/bounded-quasi-newton.js';
import { choleskyWithJitter, inverseFromCholesky, solveLower, solveLowerTransposed } from '../../shared/numeric/cholesky.js';
import { erfcx } from '../../shared/numeric/erfcx.js';
import { logNormalCdf, normalCdf, normalPdf, normalQuantile } from '../../shared/numeric/normal.js';
import { ScrambledSobol } from '../../shared/numeric/scrambled-sobol.js';
import { Rng } from '../../shared/random/rng.js';

function assertClose(actual: number, expected: number, relative: number, label = ''): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  assert.ok(Math.abs(actual - expected) <= relative * scale, `${label} ${actual} != ${expected} (relative tolerance ${relative})`);
}

describe('erfcx', () => {
  // erfc(x) to 16 digits (from published tables), so erfcx(x) = exp(x^2) erfc(x).
  const erfc: [number, number][] = [
    [0, 1],
    [0.1, 0.8875370839817152],
    [0.5, 0.4795001221869535],
    [1, 0.157299207050285],
    [2, 0.004677734981047266],
    [3, 2.209049699858544e-5],
    [4, 1.541725790028002e-8],
    [5, 1.5374597944280349e-12],
    [6, 2.1519736712498913e-17],
    [8, 1.1224297172982928e-29],
  ];
  for (const [x, value] of erfc) {
    it(`matches exp(x^2) erfc(x) at x = ${x}`, () => assertClose(erfcx(x), Math.exp(x * x) * value, 1e-14));
  }

  it('follows the asymptotic series far out, where erfc itself underflows', () => {
    for (const x of [30, 100, 1e4, 1e8]) {
      const series = (1 / (x * Math.sqrt(Math.PI))) * (1 - 1 / (2 * x * x) + 3 / (4 * x ** 4) - 15 / (8 * x ** 6) + 105 / (16 * x ** 8));
      assertClose(erfcx(x), series, 1e-12, `x=${x}`);
    }
  });

  it('uses erfc(-x) = 2 - erfc(x) for negative x, and is continuous where its methods meet', () => {
    assertClose(erfcx(-1), Math.exp(1) * (2 - 0.157299207050285), 1e-14);
    assert.equal(erfcx(-30), Infinity);
    for (const x of [8, 2, 0.0625]) assertClose(erfcx(x - 1e-12), erfcx(x + 1e-12), 1e-11, `x=${x}`);
  });
});

describe('normal distribution', () => {
  it('has the known density and distribution function values', () => {
    assertClose(normalPdf(0), 0.3989422804014327, 1e-15);
    assertClose(normalCdf(0), 0.5, 1e-15);
    assertClose(normalCdf(1.959963984540054), 0.975, 1e-14);
    assertClose(normalCdf(-1), 0.15865525393145707, 1e-14);
    assertClose(normalCdf(-10), 7.619853024160527e-24, 1e-12);
  });

  it('keeps log Phi finite and accurate deep in the lower tail', () => {
    assertClose(logNormalCdf(-1), Math.log(0.15865525393145707), 1e-14);
    // log Phi(z) ~ -z^2/2 - log(-z) - log(sqrt(2 pi)) + log(1 - 1/z^2 + 3/z^4) for large -z.
    const z = -40;
    const asymptotic = -0.5 * z * z - Math.log(-z) - 0.5 * Math.log(2 * Math.PI) + Math.log(1 - 1 / z ** 2 + 3 / z ** 4 - 15 / z ** 6);
    assertClose(logNormalCdf(z), asymptotic, 1e-12);
    assertClose(logNormalCdf(5), Math.log1p(-2.866515718791939e-7), 1e-9);
  });

  it('inverts the distribution function', () => {
    for (const p of [1e-300, 1e-12, 0.001, 0.025, 0.3, 0.5, 0.7, 0.975, 1 - 1e-12]) {
      const z = normalQuantile(p);
      assertClose(p > 0.5 ? 1 - normalCdf(z) : normalCdf(z), p > 0.5 ? 1 - p : p, 1e-10, `p=${p}`);
    }
    assertClose(normalQuantile(0.975), 1.959963984540054, 1e-13);
  });
});

describe('Cholesky factorisation', () => {
  const n = 4;
  const stride = 6;
  // A symmetric positive-definite matrix, stored with a row stride wider than its order.
  const dense = [
    [4, 2, 0.6, 1],
    [2, 5, 1, 0.5],
    [0.6, 1, 3, 0.2],
    [1, 0.5, 0.2, 2],
  ];
  const matrix = new Float64Array(n * stride);
  dense.forEach((row, i) => row.forEach((value, j) => (matrix[i * stride + j] = value)));

  it('factorises without jitter and solves both triangular systems', () => {
    const factor = new Float64Array(n * stride);
    assert.equal(choleskyWithJitter(factor, n, stride, (target) => target.set(matrix)), 0);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) {
        let sum = 0;
        for (let k = 0; k <= j; k++) sum += factor[i * stride + k]! * factor[j * stride + k]!;
        assertClose(sum, dense[i]![j]!, 1e-14, `LL^T[${i}][${j}]`);
      }
    }
    const b = [1, -2, 3, 0.5];
    const x = solveLowerTransposed(factor, n, stride, solveLower(factor, n, stride, b, new Float64Array(n)), new Float64Array(n));
    dense.forEach((row, i) => assertClose(row.reduce((sum, value, j) => sum + value * x[j]!, 0), b[i]!, 1e-13, `Ax=b row ${i}`));
  });

  it('inverts from the factor', () => {
    const factor = new Float64Array(n * stride);
    choleskyWithJitter(factor, n, stride, (target) => target.set(matrix));
    const inverse = new Float64Array(n * stride);
    inverseFromCholesky(factor, n, stride, inverse, new Float64Array(n * stride));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const product = dense[i]!.reduce((sum, value, k) => sum + value * inverse[k * stride + j]!, 0);
        assert.ok(Math.abs(product - (i === j ? 1 : 0)) < 1e-13, `(A A^-1)[${i}][${j}] = ${product}`);
      }
    }
  });

  it('adds the smallest jitter that works to a singular matrix, and gives up on NaN', () => {
    // Two identical rows: singular, positive semi-definite.
    const singular = Float64Array.from([1, 0, 1, 1]);
    const factor = new Float64Array(4);
    const jitter = choleskyWithJitter(factor, 2, 2, (target) => target.set(singular));
    assert.ok(jitter !== undefined && jitter > 0 && jitter <= 1e-2, `jitter ${jitter}`);
    assert.equal(choleskyWithJitter(factor, 2, 2, (target) => target.set([NaN, 0, 0, 1])), undefined);
  });
});

describe('bounded quasi-Newton minimisation', () => {
  const rosenbrock = {
    lower: [-2, -2],
    upper: [2, 2],
    evaluate(x: Float64Array, gradient: Float64Array) {
      const [a, b] = [x[0]!, x[1]!];
      gradient[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      gradient[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    },
  };

  it('finds the minimum of the Rosenbrock valley inside the box', () => {
    const result = minimiseInBox(rosenbrock, [-1.2, 1], { maxIterations: 200, gradientTolerance: 1e-8, relativeTolerance: 0 });
    assert.ok(Math.abs(result.x[0]! - 1) < 1e-5 && Math.abs(result.x[1]! - 1) < 1e-5, `x = ${Array.from(result.x)}`);
  });

  it('stops on the bound when the unconstrained minimum lies outside the box', () => {
    const result = minimiseInBox({ ...rosenbrock, upper: [0.5, 2] }, [-1.2, 1], { maxIterations: 200, gradientTolerance: 1e-8, relativeTolerance: 0 });
    assert.equal(result.x[0], 0.5);
    assert.ok(Math.abs(result.x[1]! - 0.25) < 1e-5, `x = ${Array.from(result.x)}`);
  });

  it('clamps a start outside the box and stays inside', () => {
    const quadratic = {
      lower: [0, 0, 0],
      upper: [1, 1, 1],
      evaluate(x: Float64Array, gradient: Float64Array) {
        let value = 0;
        const target = [0.3, -1, 4];
        x.forEach((v, i) => {
          value += (v - target[i]!) ** 2;
          gradient[i] = 2 * (v - target[i]!);
        });
        return value;
      },
    };
    const result = minimiseInBox(quadratic, [5, 5, -5], { maxIterations: 50, gradientTolerance: 1e-10, relativeTolerance: 0 });
    assert.deepEqual(Array.from(result.x, (v) => Number(v.toFixed(8))), [0.3, 0, 1]);
  });
});

describe('scrambled Sobol points', () => {
  it('put exactly one of the first 2^k points in each of 2^k equal slices of every axis', () => {
    const dimensions = 40;
    const points = new ScrambledSobol(dimensions, new Rng([1, 2, 3, 4])).take(64);
    for (let d = 0; d < 32; d++) {
      const slices = new Set<number>();
      for (let i = 0; i < 64; i++) slices.add(Math.floor(points[i * dimensions + d]! * 64));
      assert.equal(slices.size, 64, `dimension ${d}`);
    }
    for (const value of points) assert.ok(value >= 0 && value < 1);
  });

  it('fill the first two dimensions as a (0, m, 2)-net: one of 16 points per 4 x 4 cell', () => {
    const points = new ScrambledSobol(2, new Rng([9, 9, 9, 9])).take(16);
    const cells = new Set<number>();
    for (let i = 0; i < 16; i++) cells.add(Math.floor(points[2 * i]! * 4) * 4 + Math.floor(points[2 * i + 1]! * 4));
    assert.equal(cells.size, 16);
  });

  it('are scrambled by the seed', () => {
    const a = new ScrambledSobol(3, new Rng([1, 1, 1, 1])).take(4);
    const b = new ScrambledSobol(3, new Rng([2, 2, 2, 2])).take(4);
    assert.notDeepEqual(Array.from(a), Array.from(b));
    assert.deepEqual(Array.from(new ScrambledSobol(3, new Rng([1, 1, 1, 1])).take(4)), Array.from(a));
  });
});
