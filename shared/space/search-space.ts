import type { Rng } from '../random/rng.js';
import type { Dimension } from './dimension.js';

/** A point of the search space in its encoding: one position in [0, 1] per dimension, in the spec's order. */
export type Point = number[];

/** One parameter assignment as Katib carries it. */
export interface Assignment {
  name: string;
  value: string;
}

/** Finite spaces up to this many points may be enumerated outright. */
export const ENUMERABLE_SIZE = 1 << 20;

/** The parsed search space: the experiment's parameters, each with its encoding onto [0, 1]. */
export class SearchSpace {
  /** Number of distinct points: a positive integer, or Infinity when a dimension is continuous or the product passes 2^53. */
  readonly size: number;

  /**
   * @param warnings what the parser repaired in the spec (a log-scale min of 0, repeated list values, ...), for
   *   the service's log: the spec runs, but not quite as written.
   */
  constructor(
    readonly dimensions: readonly Dimension[],
    readonly warnings: readonly string[] = [],
  ) {
    let size = 1;
    for (const dimension of dimensions) size *= dimension.size;
    this.size = Number.isSafeInteger(size) ? size : Infinity;
  }

  get isFinite(): boolean {
    return Number.isFinite(this.size);
  }

  /** A point drawn from every parameter's declared distribution. */
  sample(rng: Rng): Point {
    return this.dimensions.map((dimension) => dimension.sample(rng));
  }

  /** A point uniform over the space's values, ignoring declared distributions. */
  uniformPoint(rng: Rng): Point {
    return this.dimensions.map((dimension) =>
      dimension.isLattice ? dimension.unitOfIndex(rng.integer(dimension.size)) : rng.uniform(),
    );
  }

  /** The assignments Katib passes to a trial for `point`. */
  decode(point: Point): Assignment[] {
    return this.dimensions.map((dimension, i) => ({ name: dimension.name, value: dimension.decode(point[i]!) }));
  }

  /** `point` moved to the canonical position of the values it decodes to (the centre of its cell in every finite dimension). */
  canonical(point: Point): Point {
    return this.dimensions.map((dimension, i) => dimension.encode(dimension.decode(point[i]!)));
  }

  /** Identity of the trial `point` would become: equal keys mean equal assignments. */
  key(point: Point): string {
    return this.dimensions.map((dimension, i) => dimension.decode(point[i]!)).join('\u0000');
  }

  /** For a finite space: the point with mixed-radix `index`, the first dimension varying slowest. */
  pointAt(index: number): Point {
    const point: Point = new Array(this.dimensions.length);
    let rest = index;
    for (let i = this.dimensions.length - 1; i >= 0; i--) {
      const dimension = this.dimensions[i]!;
      point[i] = dimension.unitOfIndex(rest % dimension.size);
      rest = Math.floor(rest / dimension.size);
    }
    return point;
  }

  /** For a finite space: the mixed-radix index of `point`, the inverse of pointAt. */
  indexOf(point: Point): number {
    let index = 0;
    this.dimensions.forEach((dimension, i) => {
      index = index * dimension.size + dimension.indexOfUnit(point[i]!);
    });
    return index;
  }
}
