import { normalQuantile } from '../../shared/numeric/normal.js';
import type { Dimension } from '../../shared/space/dimension.js';

/**
 * The margin of CMA-ES with Margin (Hamano, Saito, Nomura, Shirakawa, GECCO 2022), as a correction of the mean:
 * on a lattice coordinate (INT, stepped DOUBLE, DISCRETE) a sample takes another value than the mean's only when
 * it crosses a cell boundary, and once sigma shrinks that would almost never happen: the coordinate would freeze
 * on one value. So after every update the mean is moved towards the nearer boundary of its cell until the
 * marginal normal crosses it with probability at least `alpha` (1 / (n lambda), the paper's choice).
 */
export function keepLatticeMargin(
  mean: number[],
  spread: (i: number) => number,
  lattices: readonly (Dimension | undefined)[],
  alpha: number,
): void {
  const quantile = normalQuantile(1 - alpha);
  lattices.forEach((dimension, i) => {
    if (dimension === undefined || dimension.size < 2) return;
    const m = mean[i]!;
    const index = dimension.indexOfUnit(m);
    // Cell boundaries lie half-way between neighbouring values' positions (NumericDimension, ListDimension).
    const lower = index > 0 ? (dimension.unitOfIndex(index - 1) + dimension.unitOfIndex(index)) / 2 : undefined;
    const upper = index < dimension.size - 1 ? (dimension.unitOfIndex(index) + dimension.unitOfIndex(index + 1)) / 2 : undefined;
    const reach = quantile * spread(i);
    if (lower !== undefined && (upper === undefined || m - lower <= upper - m)) {
      if (m - lower > reach) mean[i] = lower + reach;
    } else if (upper !== undefined && upper - m > reach) {
      mean[i] = upper - reach;
    }
  });
}
