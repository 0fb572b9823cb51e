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
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => centres[a]! - centres[b]! || a - b);
  const sorted = order.map((i) => centres[i]!);
  for (let rank = 0; rank < n; rank++) {
    const below = rank > 0 ? sorted[rank]! - sorted[rank - 1]! : sorted[rank]!;
    const above = rank < n - 1 ? sorted[rank + 1]! - sorted[rank]! : 1 - sorted[rank]!;
    let sigma: number;
    if (n === 1) sigma = Math.max(below, above);
    else if (rank === 0) sigma = above;
    else if (rank === n - 1) sigma = below;
    else sigma = Math.max(below, above);
    sigmas[order[rank]!] = sigma;
  }
  const minimum = 1 / Math.min(100, 1 + kernelCount);
  for (let i = 0; i < n; i++) sigmas[i] = Math.min(1, Math.max(minimum, sigmas[i]!));
  return sigmas;
}
