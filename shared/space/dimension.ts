import type { Rng } from '../random/rng.js';
import type { NormalPrior } from './prior.js';

/** The parameter kinds of Katib's ParameterType, in our own words. */
export type DimensionKind = 'double' | 'int' | 'discrete' | 'categorical';

/**
 * One parameter of the search space with its encoding onto the unit interval [0, 1].
 *
 * The encoding is what the algorithms work in. It is exact in both directions for every value the
 * dimension can take: `encode(decode(u))` is the canonical position of the value `u` falls on, and
 * `decode(encode(value))` gives back the canonical string of `value`, so a value we suggest is always
 * recognised when it comes back in a trial.
 *
 * Finite dimensions (int, stepped double, discrete, categorical, and a double with min == max) split [0, 1]
 * into `size` cells, one per value; a value encodes to its cell's centre. Numeric cells are laid out on the
 * dimension's scale (linear, or logarithmic for the log distributions), so distances in the encoding mean
 * something to a model; categorical cells are equal and carry no order.
 */
export interface Dimension {
  readonly name: string;
  readonly kind: DimensionKind;
  /** How many distinct values the dimension has: a positive integer, or Infinity for a continuous double. */
  readonly size: number;
  /**
   * Whether the dimension has finitely many values, each the centre of its cell (`unitOfIndex`, `indexOfUnit`):
   * every kind but a continuous double.
   */
  readonly isLattice: boolean;
  /** Position in [0, 1] of a trial's value; throws a ServiceError naming the parameter when it is not in the space. */
  encode(value: string): number;
  /** The canonical string Katib passes to the trial for the value at position `u` (clamped into [0, 1]). */
  decode(u: number): string;
  /**
   * The declared distribution on the encoding when it is not uniform there: the truncated normal of NORMAL and
   * LOG_NORMAL. Undefined for UNIFORM and LOG_UNIFORM (uniform on their scale, so on the encoding) and for lists.
   */
  readonly prior: NormalPrior | undefined;
  /** Draws a position by the parameter's declared distribution (uniform, or `prior`). */
  sample(rng: Rng): number;
  /** For a finite dimension: the position of its `index`-th value, in the dimension's value order. */
  unitOfIndex(index: number): number;
  /** For a finite dimension: the index of the value at position `u`. */
  indexOfUnit(u: number): number;
}

/** A finite dimension's cell index for position `u`, with `size` equal cells. */
export function equalCellIndex(u: number, size: number): number {
  const index = Math.floor(clampUnit(u) * size);
  return index >= size ? size - 1 : index;
}

/** The centre of cell `index` of `size` equal cells. */
export function equalCellCentre(index: number, size: number): number {
  return (index + 0.5) / size;
}

export function clampUnit(u: number): number {
  if (!(u > 0)) return 0;
  return u > 1 ? 1 : u;
}
