import type { Rng } from '../../../shared/random/rng.js';
import type { CachedPosterior } from '../model/cached-posterior.js';
import { RELATIVE_VARIANCE_FLOOR, utilityFor } from './acquisition-function.js';
import type { UtilityName } from './posterior-utility.js';

export const PORTFOLIO: readonly UtilityName[] = ['EI', 'PI', 'LCB'];
/** Softmax temperature over the gains (Hoffman, Brochu and de Freitas 2011; scikit-optimize uses 1 too). */
const ETA = 1;

/**
 * GP-Hedge (Hoffman et al. 2011, "Portfolio allocation for Bayesian optimization") picks, for each proposal, one
 * of EI, PI and LCB with probability softmax(eta * gains), where an acquisition's gain adds up, round after round,
 * how good the model found the point that acquisition nominated: minus the next round's posterior mean there.
 *
 * The stock service keeps the gains in memory, so they vanish when its pod restarts. Here they are recomputed
 * from the request: round t is the model of the first t completed trials (in request order), under the current
 * hyperparameters, and each acquisition nominates its best point among the `replayed` points of `cover`. All
 * those prefix posteriors come from the cover's stored solves (see CachedPosterior), at O(n) per point.
 *
 * `losses` are the standardised losses the GP was fitted to, in its order; the cover must not have seen any
 * fantasy yet. `firstRound` (>= 1) is the first round the model chose, after the initial design. Returns one
 * probability per PORTFOLIO entry; uniform when there is no round to replay yet.
 */
export function hedgeProbabilities(
  cover: CachedPosterior,
  replayed: readonly number[],
  whitenedTargets: Float64Array,
  priorVariance: number,
  losses: ArrayLike<number>,
  firstRound: number,
): Float64Array {
  const n = losses.length;
  const gains = new Float64Array(PORTFOLIO.length);
  const m = replayed.length;
  if (firstRound < n && m > 0) {
    const rows = replayed.map((c) => cover.whitenedRow(c));
    const floor = RELATIVE_VARIANCE_FLOOR * priorVariance;
    // Running prefix sums per point: the posterior mean and variance after the first t observations.
    const mean = new Float64Array(m);
    const variance = new Float64Array(m).fill(priorVariance);
    const nominees = new Int32Array(PORTFOLIO.length);
    let best = Infinity;
    for (let t = 0; t < n; t++) {
      if (t >= firstRound) {
        PORTFOLIO.forEach((name, u) => {
          const utility = utilityFor(name, best);
          let bestValue = -Infinity;
          let nominee = 0;
          for (let r = 0; r < m; r++) {
            const value = utility.value(mean[r]!, Math.sqrt(Math.max(variance[r]!, floor)));
            if (value > bestValue) {
              bestValue = value;
              nominee = r;
            }
          }
          nominees[u] = nominee;
        });
      }
      for (let r = 0; r < m; r++) {
        const v = rows[r]![t]!;
        mean[r]! += v * whitenedTargets[t]!;
        variance[r]! -= v * v;
      }
      best = Math.min(best, losses[t]!);
      if (t >= firstRound) for (let u = 0; u < PORTFOLIO.length; u++) gains[u]! -= mean[nominees[u]!]!;
    }
  }
  return softmax(gains, ETA);
}

function softmax(gains: Float64Array, eta: number): Float64Array {
  let largest = -Infinity;
  for (const gain of gains) largest = Math.max(largest, eta * gain);
  const weights = Float64Array.from(gains, (gain) => Math.exp(eta * gain - largest));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}

/** Draws a portfolio member by its probability. */
export function drawUtilityName(probabilities: Float64Array, rng: Rng): UtilityName {
  return PORTFOLIO[rng.weightedIndex(probabilities)]!;
}
