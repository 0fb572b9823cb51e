import type { Dimension } from '../../shared/space/dimension.js';
import type { Point, SearchSpace } from '../../shared/space/search-space.js';

/** A member of a generation as CMA-ES draws it: ordered coordinates in [0, 1], and a value per categorical parameter. */
export interface Candidate {
  x: number[];
  categories: number[];
}

/**
 * How the search space maps onto CMA-ES. Every parameter with an order and more than one value (DOUBLE, INT,
 * DISCRETE) is a coordinate of the normal distribution, on its encoding: scaled to its range, logarithmic for
 * LOG_UNIFORM and LOG_NORMAL, so one sigma means the same for every parameter. Lattices (INT, stepped DOUBLE,
 * DISCRETE) are rounded to the value whose cell the coordinate falls in, and keep a margin (lattice-margin.ts).
 * CATEGORICAL parameters have no order: each gets its own categorical distribution. Parameters with a single
 * value are fixed.
 */
export class SpaceLayout {
  /** Dimension index in the space of each normal coordinate, and its lattice (undefined when continuous). */
  readonly ordered: readonly { index: number; lattice: Dimension | undefined }[];
  readonly categorical: readonly { index: number; size: number }[];
  /** Every parameter at its first value: what the single-valued ones keep. */
  private readonly fixed: Point;

  constructor(readonly space: SearchSpace) {
    const ordered: { index: number; lattice: Dimension | undefined }[] = [];
    const categorical: { index: number; size: number }[] = [];
    space.dimensions.forEach((dimension, index) => {
      if (dimension.size < 2) return;
      if (dimension.kind === 'categorical') categorical.push({ index, size: dimension.size });
      else ordered.push({ index, lattice: dimension.isLattice ? dimension : undefined });
    });
    this.ordered = ordered;
    this.categorical = categorical;
    this.fixed = space.dimensions.map((dimension) => dimension.unitOfIndex(0));
  }

  /** The number of parameters CMA-ES searches (normal coordinates and categorical parameters). */
  get searchedDimensions(): number {
    return this.ordered.length + this.categorical.length;
  }

  /** The point of the space a candidate stands for (not canonical: `key` and UsedPoints read it the same). */
  point(candidate: Candidate): Point {
    const point: Point = [...this.fixed];
    this.ordered.forEach(({ index }, i) => (point[index] = candidate.x[i]!));
    this.categorical.forEach(({ index }, i) => (point[index] = this.space.dimensions[index]!.unitOfIndex(candidate.categories[i]!)));
    return point;
  }

  /** The candidate standing for a point of the space (its ordered coordinates and categorical values). */
  candidateOf(point: Point): Candidate {
    return {
      x: this.ordered.map(({ index }) => point[index]!),
      categories: this.categorical.map(({ index }) => this.space.dimensions[index]!.indexOfUnit(point[index]!)),
    };
  }
}
