/**
 * exp, log and tanh built from +, -, *, / alone, each of which IEEE 754 rounds exactly, so that the TypeScript
 * and Python twins of a training run compute bit-identical numbers. The platforms' own Math.exp / math.exp may
 * differ in the last bit, and a training run at a high learning rate is chaotic enough to turn one bit into a
 * different curve. Written like _portable_exp, _portable_log and _portable_tanh in bench/problems/problems.py.
 * Accurate to a few units in the last place, which is all a benchmark problem needs.
 */

const LN2 = 0.6931471805599453;

/** e^x: x = n ln 2 + r with |r| <= ln2 / 2, e^r by its Taylor series, then n halvings or doublings. */
export function portableExp(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x > 709) return Infinity;
  if (x < -745) return 0;
  const n = Math.floor(x / LN2 + 0.5);
  const r = x - n * LN2;
  let term = 1;
  let sum = 1;
  for (let k = 1; k <= 20; k++) {
    term = (term * r) / k;
    sum = sum + term;
  }
  let scaled = sum;
  for (let i = 0; i < n; i++) scaled = scaled * 2;
  for (let i = 0; i > n; i--) scaled = scaled * 0.5;
  return scaled;
}

/** ln x for x >= 1: halve down to [1, 2), then 2 atanh((m - 1) / (m + 1)) by its series. */
export function portableLog(x: number): number {
  if (!(x >= 1)) throw new RangeError(`portableLog takes x >= 1, got ${x}`);
  if (x === Infinity) return Infinity;
  let m = x;
  let halvings = 0;
  while (m >= 2) {
    m = m * 0.5;
    halvings++;
  }
  const t = (m - 1) / (m + 1);
  const t2 = t * t;
  let power = t;
  let sum = 0;
  for (let k = 0; k < 40; k++) {
    sum = sum + power / (2 * k + 1);
    power = power * t2;
  }
  return 2 * sum + halvings * LN2;
}

/** tanh z = 1 - 2 / (e^(2z) + 1), odd. */
export function portableTanh(z: number): number {
  if (Number.isNaN(z)) return NaN;
  if (z < 0) return -portableTanh(-z);
  if (z > 20) return 1;
  return 1 - 2 / (portableExp(2 * z) + 1);
}
