import type { Dimension } from '../../shared/space/dimension.js';
import type { SearchSpace } from '../../shared/space/search-space.js';
import type { Cell, Lattice } from './truncated-normal-kernels.js';

/**
 * What a Parzen estimator needs to know of one dimension, and nothing more: how its kernels are shaped.
 * Built from the search space once per request, so the estimator never sees Katib's parameter specs.
 */
export type ParzenDimension = NumericParzenDimension | ListParzenDimension | FixedParzenDimension;

export interface NumericParzenDimension {
  kind: 'numeric';
  /** The prior kernel, in encoded units (see UNIFORM_PRIOR). */
  prior: { centre: number; sigma: number };
  /** For an int or stepped double: its values and their cells; undefined for a continuous double. */
  lattice: Lattice | undefined;
}

export interface ListParzenDimension {
  kind: 'list';
  size: number;
  indexOf(u: number): number;
  positionOf(index: number): number;
}

/** A dimension with one value: it carries no information and every kernel agrees on it. */
export interface FixedParzenDimension {
  kind: 'fixed';
  position: number;
}

export function describeDimensions(space: SearchSpace): ParzenDimension[] {
  return space.dimensions.map(describeDimension);
}

function describeDimension(dimension: Dimension): ParzenDimension {
  if (dimension.size === 1) return { kind: 'fixed', position: dimension.unitOfIndex(0) };
  if (dimension.kind === 'discrete' || dimension.kind === 'categorical') {
    return {
      kind: 'list',
      size: dimension.size,
      indexOf: (u) => dimension.indexOfUnit(u),
      positionOf: (index) => dimension.unitOfIndex(index),
    };
  }
  return {
    kind: 'numeric',
    prior: dimension.prior ?? UNIFORM_PRIOR,
    lattice: dimension.isLattice ? { indexOf: (u) => dimension.indexOfUnit(u), cell: (index) => latticeCell(dimension, index) } : undefined,
  };
}

/**
 * The prior kernel of a uniform parameter: optuna's and hyperopt's flat-ish prior, centred on the domain with
 * sigma equal to its width. A NORMAL or LOG_NORMAL parameter's prior kernel is its declared distribution
 * (Dimension.prior), so the model's prior agrees with the start-up trials' sampler.
 */
const UNIFORM_PRIOR = { centre: 0.5, sigma: 1 };

/**
 * The cell of lattice value `index`: its boundaries are half-way between neighbouring values' positions, and the
 * end cells reach the ends of [0, 1], which the encoding already places half a step beyond the end values.
 */
function latticeCell(dimension: Dimension, index: number): Cell {
  const centre = dimension.unitOfIndex(index);
  return {
    low: index === 0 ? 0 : (dimension.unitOfIndex(index - 1) + centre) / 2,
    high: index === dimension.size - 1 ? 1 : (centre + dimension.unitOfIndex(index + 1)) / 2,
  };
}
