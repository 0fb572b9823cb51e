import { spaceExhausted } from '../errors/service-error.js';
import type { Rng } from '../random/rng.js';
import { ENUMERABLE_SIZE, type Point, type SearchSpace } from '../space/search-space.js';

/** Rejection sampling gives up after this many repeats in a row and enumerates the unused points instead. */
const REJECTION_ATTEMPTS = 64;
/** Uniform draws in a space too large to enumerate before it counts as used up (see takeRandom). */
const UNIFORM_ATTEMPTS = 10_000;

/** The set of assignments already taken, by SearchSpace.key. */
export class UsedPoints {
  private readonly keys: Set<string>;
  /**
   * Indices of the unused points of a small finite space, ascending: listed once, when rejection sampling first
   * gives up, and kept in step by `add`, so a nearly full space is not enumerated again for every point.
   */
  private unusedIndices: number[] | undefined;

  constructor(
    readonly space: SearchSpace,
    keys: Iterable<string>,
  ) {
    this.keys = new Set(keys);
  }

  get size(): number {
    return this.keys.size;
  }

  has(point: Point): boolean {
    return this.keys.has(this.space.key(point));
  }

  /** Marks `point` taken; false when it already was. */
  add(point: Point): boolean {
    const key = this.space.key(point);
    if (this.keys.has(key)) return false;
    this.keys.add(key);
    if (this.unusedIndices !== undefined) removeSorted(this.unusedIndices, this.space.indexOf(point));
    return true;
  }

  /** How many points of the space are still free (Infinity for an infinite space). */
  get remaining(): number {
    return this.space.size - this.keys.size;
  }

  /**
   * Takes and returns an unused point drawn from the space's own distributions, falling back to a uniform
   * choice among the unused points of a small finite space when draws keep hitting used ones. Throws
   * space-exhausted when none is left; the shared pipeline then hands out repeats (see get-suggestions.ts).
   */
  takeRandom(rng: Rng): Point {
    if (this.remaining <= 0) throw spaceExhausted(`the search space has no unused points left (${this.space.size} in all)`);
    for (let attempt = 0; attempt < REJECTION_ATTEMPTS; attempt++) {
      const point = this.space.canonical(this.space.sample(rng));
      if (this.add(point)) return point;
    }
    if (this.space.size > ENUMERABLE_SIZE) {
      // Trials number far fewer than a space this large has points, so uniform draws are almost never taken.
      // A continuous DOUBLE can still hold only a few distinct values (a range a few twelve-digit decimals or a
      // few subnormals wide): when every draw repeats, the space is used up in practice, so say so instead of
      // drawing forever.
      for (let attempt = 0; attempt < UNIFORM_ATTEMPTS; attempt++) {
        const point = this.space.canonical(this.space.uniformPoint(rng));
        if (this.add(point)) return point;
      }
      throw spaceExhausted(
        `the search space has no unused assignments left that ${UNIFORM_ATTEMPTS} random draws could find ` +
          `(${this.keys.size} are used; a DOUBLE range may be too narrow to hold more distinct values)`,
      );
    }
    if (this.unusedIndices === undefined) {
      this.unusedIndices = [];
      for (let index = 0; index < this.space.size; index++) {
        if (!this.has(this.space.pointAt(index))) this.unusedIndices.push(index);
      }
    }
    // add() can only fail here when two indices print the same assignment (a step finer than twelve digits):
    // that index is taken after all, so it leaves the list and the draw is repeated.
    while (this.unusedIndices.length > 0) {
      const index = this.unusedIndices[rng.integer(this.unusedIndices.length)]!;
      const point = this.space.pointAt(index);
      if (this.add(point)) return point;
      removeSorted(this.unusedIndices, index);
    }
    throw spaceExhausted(`the search space has no unused assignments left (${this.keys.size} are used)`);
  }
}

/** Removes `value` from the ascending `list` when it is there. */
function removeSorted(list: number[], value: number): void {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (list[middle]! < value) low = middle + 1;
    else high = middle;
  }
  if (list[low] === value) list.splice(low, 1);
}
