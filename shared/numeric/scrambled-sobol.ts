import type { Rng } from '../random/rng.js';

/**
 * Scrambled Sobol' points in [0, 1)^d: a low-discrepancy sequence whose first 2^k points fill the cube evenly,
 * randomised by a linear matrix scramble and a digital shift (Matousek 1998; Owen 2003) so that different seeds
 * give different, equally even, point sets and no point sits on the cube's faces.
 *
 * Dimension 1 is the van der Corput sequence; dimensions 2..32 use the primitive polynomials and initial
 * direction numbers of Joe and Kuo (2008, "new-joe-kuo-6.21201"), given below as [degree, coefficients a,
 * m_1..m_degree]. Coordinates past the table are independent uniform draws, which keeps any dimension count
 * usable while the first 32 stay low-discrepancy.
 */
const DIRECTION_SEEDS: readonly (readonly number[])[] = [
  [1, 0, 1], [2, 1, 1, 3], [3, 1, 1, 3, 1], [3, 2, 1, 1, 1], [4, 1, 1, 1, 3, 3], [4, 4, 1, 3, 5, 13],
  [5, 2, 1, 1, 5, 5, 17], [5, 4, 1, 1, 5, 5, 5], [5, 7, 1, 1, 7, 11, 19], [5, 11, 1, 1, 5, 1, 1],
  [5, 13, 1, 1, 1, 3, 11], [5, 14, 1, 3, 5, 5, 31], [6, 1, 1, 3, 3, 9, 7, 49], [6, 13, 1, 1, 1, 15, 21, 21],
  [6, 16, 1, 3, 1, 13, 27, 49], [6, 19, 1, 1, 1, 15, 7, 5], [6, 22, 1, 3, 1, 15, 13, 25], [6, 25, 1, 1, 5, 5, 19, 61],
  [7, 1, 1, 3, 7, 11, 23, 15, 103], [7, 4, 1, 3, 7, 13, 13, 15, 69], [7, 7, 1, 1, 3, 13, 7, 35, 63],
  [7, 8, 1, 3, 5, 9, 1, 25, 53], [7, 14, 1, 3, 1, 13, 9, 35, 107], [7, 19, 1, 3, 1, 5, 27, 61, 31],
  [7, 21, 1, 1, 5, 11, 19, 41, 61], [7, 28, 1, 3, 5, 3, 3, 13, 69], [7, 31, 1, 1, 7, 13, 1, 19, 1],
  [7, 32, 1, 3, 7, 5, 13, 19, 59], [7, 37, 1, 1, 3, 9, 25, 29, 41], [7, 41, 1, 3, 5, 13, 23, 1, 55],
  [7, 42, 1, 3, 7, 3, 13, 59, 17],
];

/** Bits per coordinate. */
const BITS = 32;
export const SOBOL_TABLE_DIMENSIONS = DIRECTION_SEEDS.length + 1;

/** Direction numbers v_1..v_32 of one dimension, as 32-bit integers with v_k's leading bit at position 32 - k. */
function directionNumbers(dimension: number): Uint32Array {
  const v = new Uint32Array(BITS);
  if (dimension === 0) {
    for (let k = 0; k < BITS; k++) v[k] = (1 << (BITS - 1 - k)) >>> 0;
    return v;
  }
  const seed = DIRECTION_SEEDS[dimension - 1]!;
  const degree = seed[0]!;
  const coefficients = seed[1]!;
  for (let k = 0; k < degree; k++) v[k] = (seed[2 + k]! << (BITS - 1 - k)) >>> 0;
  // m_k = 2 a_1 m_{k-1} ^ 4 a_2 m_{k-2} ^ ... ^ 2^s m_{k-s} ^ m_{k-s}, which on the shifted integers reads:
  for (let k = degree; k < BITS; k++) {
    let value = v[k - degree]! ^ (v[k - degree]! >>> degree);
    for (let j = 1; j < degree; j++) {
      if ((coefficients >>> (degree - 1 - j)) & 1) value ^= v[k - j]!;
    }
    v[k] = value >>> 0;
  }
  return v;
}

function parity(word: number): number {
  let x = word >>> 0;
  x ^= x >>> 16;
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}

/**
 * Left-multiplies every direction number by a random lower-triangular binary matrix with a unit diagonal (digit i
 * of the output mixes digits 1..i of the input), which preserves the net structure of the sequence.
 */
function scrambleDirections(v: Uint32Array, rng: Rng): Uint32Array {
  const rows = new Uint32Array(BITS);
  for (let i = 0; i < BITS; i++) {
    const above = i === 0 ? 0 : (rng.nextUint32() >>> (BITS - i)) << (BITS - i);
    rows[i] = (above | (1 << (BITS - 1 - i))) >>> 0;
  }
  const scrambled = new Uint32Array(BITS);
  for (let k = 0; k < BITS; k++) {
    let value = 0;
    for (let i = 0; i < BITS; i++) if (parity(v[k]! & rows[i]!)) value |= 1 << (BITS - 1 - i);
    scrambled[k] = value >>> 0;
  }
  return scrambled;
}

export class ScrambledSobol {
  private readonly directions: Uint32Array[] = [];
  private readonly shifts: Uint32Array;
  private readonly state: Uint32Array;
  private readonly rng: Rng;
  private index = 0;

  constructor(
    readonly dimensions: number,
    rng: Rng,
  ) {
    const tabled = Math.min(dimensions, SOBOL_TABLE_DIMENSIONS);
    for (let d = 0; d < tabled; d++) this.directions.push(scrambleDirections(directionNumbers(d), rng));
    this.shifts = new Uint32Array(tabled);
    for (let d = 0; d < tabled; d++) this.shifts[d] = rng.nextUint32();
    this.state = new Uint32Array(tabled);
    this.rng = rng.fork();
  }

  /** Writes the next point into `out` at `offset`. */
  next(out: Float64Array, offset = 0): void {
    const tabled = this.directions.length;
    for (let d = 0; d < tabled; d++) {
      // A uniform fill below the 32 digits keeps points off the 2^-32 grid without disturbing the net.
      out[offset + d] = ((this.state[d]! ^ this.shifts[d]!) >>> 0) / 4294967296 + this.rng.uniform() / 4294967296;
    }
    for (let d = tabled; d < this.dimensions; d++) out[offset + d] = this.rng.uniform();
    // Gray-code order: point i+1 differs from point i by the direction number of i's lowest zero bit.
    const bit = Math.clz32(~this.index & (this.index + 1)) ^ 31;
    for (let d = 0; d < tabled; d++) this.state[d] = (this.state[d]! ^ this.directions[d]![bit]!) >>> 0;
    this.index++;
  }

  /** The next `count` points, row-major. */
  take(count: number): Float64Array {
    const points = new Float64Array(count * this.dimensions);
    for (let i = 0; i < count; i++) this.next(points, i * this.dimensions);
    return points;
  }
}
