import type { Dimension } from '../../../shared/space/dimension.js';
import { clampUnit } from '../../../shared/space/dimension.js';
import type { SearchSpace } from '../../../shared/space/search-space.js';

/** Finite numeric dimensions up to this many values keep a table of their cell centres for fast snapping. */
const CENTRE_TABLE_LIMIT = 1 << 16;

/**
 * A finite dimension as the GP and the acquisition optimiser see it: its values are cells of [0, 1], and any
 * position is moved to its cell's centre before the kernel sees it, so the surrogate only ever models values
 * a trial can actually take.
 */
export class FiniteAxis {
  readonly size: number;
  private readonly centres: Float64Array | undefined;

  constructor(
    readonly coordinate: number,
    readonly categorical: boolean,
    private readonly dimension: Dimension,
  ) {
    this.size = dimension.size;
    if (this.size <= CENTRE_TABLE_LIMIT) {
      this.centres = new Float64Array(this.size);
      for (let i = 0; i < this.size; i++) this.centres[i] = dimension.unitOfIndex(i);
    }
  }

  /** The index of the value at position u: the nearest cell centre (cells are laid out in order on [0, 1]). */
  indexOf(u: number): number {
    const centres = this.centres;
    if (centres === undefined) return this.dimension.indexOfUnit(u);
    let low = 0;
    let high = centres.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (u > centres[middle]!) low = middle + 1;
      else high = middle;
    }
    // `low` is the first centre >= u; the one before may be nearer.
    if (low > 0 && u - centres[low - 1]! <= centres[low]! - u) return low - 1;
    return low;
  }

  centre(index: number): number {
    return this.centres === undefined ? this.dimension.unitOfIndex(index) : this.centres[index]!;
  }
}

/**
 * Maps encoded points (one position in [0, 1] per dimension) to the kernel's inputs. Continuous doubles pass
 * through; ints, stepped doubles and discrete values snap to their cell's centre (their numeric order and
 * spacing stay meaningful); categorical values become their index, which the kernel only compares for equality.
 */
export class KernelInputs {
  readonly dimensionCount: number;
  /** 1 where the coordinate is categorical (compared by equality in the kernel). */
  readonly categorical: Uint8Array;
  /** Coordinates that vary continuously: the ones gradient steps may move. */
  readonly continuous: readonly number[];
  readonly finite: readonly FiniteAxis[];
  private readonly axisOf: (FiniteAxis | undefined)[];

  constructor(space: SearchSpace) {
    const dimensions = space.dimensions;
    this.dimensionCount = dimensions.length;
    this.categorical = new Uint8Array(dimensions.length);
    const continuous: number[] = [];
    const finite: FiniteAxis[] = [];
    this.axisOf = dimensions.map((dimension, coordinate) => {
      if (!dimension.isLattice) {
        continuous.push(coordinate);
        return undefined;
      }
      const categorical = dimension.kind === 'categorical';
      this.categorical[coordinate] = categorical ? 1 : 0;
      const axis = new FiniteAxis(coordinate, categorical, dimension);
      finite.push(axis);
      return axis;
    });
    this.continuous = continuous;
    this.finite = finite;
  }

  /** Writes the kernel inputs of the encoded point at `points[offset..]` into `out[outOffset..]`. */
  map(points: ArrayLike<number>, offset: number, out: Float64Array, outOffset: number): void {
    for (let j = 0; j < this.dimensionCount; j++) {
      const u = clampUnit(points[offset + j]!);
      const axis = this.axisOf[j];
      if (axis === undefined) out[outOffset + j] = u;
      else {
        const index = axis.indexOf(u);
        out[outOffset + j] = axis.categorical ? index : axis.centre(index);
      }
    }
  }

  /** Moves the encoded point at `points[offset..]` to its canonical position: finite coordinates to their cell centre. */
  snap(points: Float64Array, offset: number): void {
    for (const axis of this.finite) {
      const j = offset + axis.coordinate;
      points[j] = axis.centre(axis.indexOf(clampUnit(points[j]!)));
    }
    for (const j of this.continuous) points[offset + j] = clampUnit(points[offset + j]!);
  }
}
