/**
 * The classic continuous test functions, written operation for operation like bench/problems/problems.py so
 * that both languages round alike (bench/problems/test-points.json checks it).
 */

export function branin(x1: number, x2: number): number {
  const b = 5.1 / (4 * Math.PI * Math.PI);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  const u = x2 - b * x1 * x1 + c * x1 - 6;
  return u * u + 10 * (1 - t) * Math.cos(x1) + 10;
}

export interface HartmannConstants {
  alpha: number[];
  A: number[][];
  P: number[][];
}

export function hartmann6(x: readonly number[], constants: HartmannConstants): number {
  let total = 0;
  constants.alpha.forEach((alpha, i) => {
    let inner = 0;
    for (let j = 0; j < x.length; j++) {
      const d = x[j]! - constants.P[i]![j]!;
      inner += constants.A[i]![j]! * d * d;
    }
    total += alpha * Math.exp(-inner);
  });
  return -total;
}

export function rosenbrock(x: readonly number[]): number {
  let total = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const valley = x[i + 1]! - x[i]! * x[i]!;
    const offset = x[i]! - 1;
    total += 100 * valley * valley + offset * offset;
  }
  return total;
}

export function levy(x: readonly number[]): number {
  const w = x.map((value) => 1 + (value - 1) / 4);
  const last = w[w.length - 1]!;
  const first = Math.sin(Math.PI * w[0]!);
  let total = first * first;
  for (let i = 0; i + 1 < w.length; i++) {
    const wi = w[i]!;
    const wave = Math.sin(Math.PI * wi + 1);
    total += (wi - 1) * (wi - 1) * (1 + 10 * wave * wave);
  }
  const lastWave = Math.sin(2 * Math.PI * last);
  return total + (last - 1) * (last - 1) * (1 + lastWave * lastWave);
}

export interface AckleyConstants {
  a: number;
  b: number;
  c: number;
}

export function ackley(x: readonly number[], constants: AckleyConstants): number {
  let squares = 0;
  let cosines = 0;
  for (const value of x) {
    squares += value * value;
    cosines += Math.cos(constants.c * value);
  }
  const n = x.length;
  return -constants.a * Math.exp(-constants.b * Math.sqrt(squares / n)) - Math.exp(cosines / n) + constants.a + Math.E;
}
