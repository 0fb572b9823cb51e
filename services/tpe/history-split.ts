/** The good set never holds more than this many trials, and the last this many observations of a set keep full weight. */
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
 * Trial indices ranked by loss, best first (ties to the earlier trial): the first `goodSize` form the good set,
 * the rest the bad set, both still in that order.
 */
export function splitByLoss(losses: readonly number[], goodSize: number): { good: number[]; bad: number[] } {
  const ranked = losses.map((_, i) => i).sort((a, b) => losses[a]! - losses[b]! || a - b);
  return { good: ranked.slice(0, goodSize), bad: ranked.slice(goodSize) };
}

/**
 * Weights for `count` observations: all 1 up to WINDOW observations; beyond that the last WINDOW keep weight 1
 * and the earlier ones ramp linearly from 1/count (the first) towards 1. This is hyperopt's "linear forgetting"
 * when the observations are in chronological order; the sampler applies it to the bad set ranked by loss (as
 * optuna does), which fades the bad trials nearest the good ones, see tpe-sampler.ts.
 */
export function rampWeights(count: number): Float64Array {
  const weights = new Float64Array(count).fill(1);
  const ramped = count - WINDOW;
  if (ramped <= 0) return weights;
  const first = 1 / count;
  for (let i = 0; i < ramped; i++) weights[i] = first + ((1 - first) * i) / ramped;
  return weights;
}

/**
 * Weights of the good set by how far each trial's loss lies below `boundary`, the best loss of the bad set
 * (Watanabe's weighting by improvement): the best trials shape l(x) most, and a good trial that only just made
 * the cut barely counts. Scaled to average 1, so `prior_weight` keeps its meaning next to an average observation;
 * a set whose losses all equal the boundary weighs evenly.
 */
export function improvementWeights(losses: readonly number[], boundary: number): Float64Array {
  const weights = Float64Array.from(losses, (loss) => Math.max(MIN_IMPROVEMENT, boundary - loss));
  const mean = weights.reduce((sum, weight) => sum + weight, 0) / weights.length;
  return weights.map((weight) => weight / mean);
}

/** Keeps every weight positive, so a trial tied with the boundary stays in the mixture. */
const MIN_IMPROVEMENT = 1e-12;
