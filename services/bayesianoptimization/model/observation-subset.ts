import type { Rng } from '../../../shared/random/rng.js';

/** Of a subset, this share is the best observations (the region the acquisition cares about most); the rest is random. */
const BEST_SHARE = 0.25;

/**
 * Indices, ascending, of at most `size` observations: all of them when they fit, else the best quarter by loss
 * plus a seeded random choice among the others. Lower losses are better; ties keep the earlier observation.
 */
export function observationSubset(losses: ArrayLike<number>, size: number, rng: Rng): number[] {
  const n = losses.length;
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= size) return all;
  const byLoss = [...all].sort((a, b) => losses[a]! - losses[b]! || a - b);
  const bestCount = Math.round(size * BEST_SHARE);
  const rest = rng.shuffle(byLoss.slice(bestCount)).slice(0, size - bestCount);
  return [...byLoss.slice(0, bestCount), ...rest].sort((a, b) => a - b);
}
