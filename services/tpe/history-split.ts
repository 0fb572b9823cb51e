/** The good set never holds more than this many trials, and trials newer than this many keep full weight. */
export const WINDOW = 25;

/**
 * How many of `completedCount` trials form the good set. With the user's `gamma` (hyperopt's setting) it is
 * hyperopt's rule ceil(gamma * sqrt(n)); without it, optuna's ceil(0.1 n), which grows faster and suits the
 * short budgets of Katib experiments. Both are capped at WINDOW.
 */
export function goodSetSize(completedCount: number, gamma: number | undefined): number {
  const size = gamma === undefined ? Math.ceil(0.1 * completedCount) : Math.ceil(gamma * Math.sqrt(completedCount));
  return Math.min(size, WINDOW, completedCount);
}

/**
 * Indices of the `goodSize` lowest losses (ties go to the earlier trial) and of the rest, each list in the
 * trials' original (chronological) order.
 */
export function splitByLoss(losses: readonly number[], goodSize: number): { good: number[]; bad: number[] } {
  const ranked = losses.map((_, i) => i).sort((a, b) => losses[a]! - losses[b]! || a - b);
  const isGood = new Uint8Array(losses.length);
  for (let rank = 0; rank < goodSize; rank++) isGood[ranked[rank]!] = 1;
  const good: number[] = [];
  const bad: number[] = [];
  for (let i = 0; i < losses.length; i++) (isGood[i] ? good : bad).push(i);
  return { good, bad };
}

/**
 * Weights for `count` observations in chronological order, by hyperopt's "linear forgetting": all 1 up to WINDOW
 * observations; beyond that the newest WINDOW keep weight 1 and older ones ramp linearly from 1/count (the
 * oldest) towards 1, so a model of a long experiment follows where the search has moved.
 */
export function forgettingWeights(count: number): Float64Array {
  const weights = new Float64Array(count).fill(1);
  const old = count - WINDOW;
  if (old <= 0) return weights;
  const first = 1 / count;
  for (let i = 0; i < old; i++) weights[i] = first + ((1 - first) * i) / old;
  return weights;
}
