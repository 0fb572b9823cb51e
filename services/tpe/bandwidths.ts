/**
 * Bandwidths of numeric kernels on the unit domain [0, 1], by the neighbour-gap rule of TPE (Bergstra et al.
 * 2011, as refined in optuna): sort the kernel centres; each centre's sigma is the larger of its gaps to the
 * neighbouring centres, where the lowest and highest centres see the domain's bounds as outer neighbours only
 * while they are alone, and otherwise use their one inner gap. Sigmas are then clipped to
 * [1 / min(100, 1 + kernelCount), 1]: the lower bound ("magic clip") stops a cluster of close observations from
 * collapsing into spikes that no candidate would ever be drawn from, and shrinks as evidence accumulates.
 *
 * `kernelCount` counts every kernel of the mixture, the prior one included.
 */
export function neighbourGapBandwidths(centres: Float64Array, kernelCount: number): Float64Array {
  const n = centres.length;
  const sigmas = new Float64Array(n);
  if (n === 0) return sigmas;
  // A native numeric sort (no comparator) is several times faster than sorting indices; equal centres then
  // take consecutive ranks in index order, which is what a stable index sort would give them.
  const sorted = Float64Array.from(centres).sort();
  const takenFromGroup = new Int32Array(n);
  const minimum = 1 / Math.min(100, 1 + kernelCount);
  for (let i = 0; i < n; i++) {
    const first = firstRankOf(sorted, centres[i]!);
    const rank = first + takenFromGroup[first]!++;
    const below = rank > 0 ? sorted[rank]! - sorted[rank - 1]! : sorted[rank]!;
    const above = rank < n - 1 ? sorted[rank + 1]! - sorted[rank]! : 1 - sorted[rank]!;
    let sigma: number;
    if (n === 1) sigma = Math.max(below, above);
    else if (rank === 0) sigma = above;
    else if (rank === n - 1) sigma = below;
    else sigma = Math.max(below, above);
    sigmas[i] = Math.min(1, Math.max(minimum, sigma));
  }
  return sigmas;
}

/** The first index of `value` in the ascending array `sorted`, which holds it. */
function firstRankOf(sorted: Float64Array, value: number): number {
  let low = 0;
  let high = sorted.length - 1;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
