/**
 * Paired comparison of two targets on one problem and schedule: each seed is one pair (the same problem, the same
 * seed, the same trial schedule for both), compared by final regret. The test is the exact two-sided sign test:
 * it asks only which of the pair did better, so it needs no assumption about how regrets are distributed (they
 * span orders of magnitude between seeds), and its p-value is exact for any number of pairs. Pairs with equal
 * regret (both at the optimum, or both at the same lattice point) tell neither way and are left out of it, as the
 * sign test does.
 */

/** The significance level the verdicts use. */
export const SIGNIFICANCE_LEVEL = 0.05;

/** "ahead" and "behind" only where the test rejects equality at the significance level; otherwise "tied". */
export type Verdict = 'ahead' | 'tied' | 'behind';

export interface PairedComparison {
  /** Seeds both targets ran. */
  pairs: number;
  /** Seeds where the first target's regret is lower, higher, equal. */
  wins: number;
  losses: number;
  ties: number;
  /** Exact two-sided sign-test p-value over the wins and losses. */
  pValue: number;
  verdict: Verdict;
}

/**
 * P(X <= k) + P(X >= n - k) for X ~ Binomial(n, 1/2), k = min(wins, losses): the exact two-sided sign-test p-value
 * (1 when there is nothing to test, or the two tails meet). Summed in log space, so any n is exact to rounding.
 */
export function signTestPValue(wins: number, losses: number): number {
  const n = wins + losses;
  const k = Math.min(wins, losses);
  if (n === 0 || 2 * k >= n) return 1;
  let logChoose = 0; // log C(n, 0)
  let tail = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logChoose += Math.log(n - i + 1) - Math.log(i);
    tail += Math.exp(logChoose - n * Math.LN2);
  }
  return Math.min(1, 2 * tail);
}

/**
 * Compares `first` with `second`, each a regret per seed (lower is better; Infinity for a run that found nothing),
 * over the seeds both have.
 */
export function comparePaired(first: ReadonlyMap<number, number>, second: ReadonlyMap<number, number>, level = SIGNIFICANCE_LEVEL): PairedComparison {
  let wins = 0;
  let losses = 0;
  let ties = 0;
  for (const [seed, regret] of first) {
    const other = second.get(seed);
    if (other === undefined) continue;
    if (regret < other) wins++;
    else if (regret > other) losses++;
    else ties++;
  }
  const pValue = signTestPValue(wins, losses);
  const verdict: Verdict = pValue >= level ? 'tied' : wins > losses ? 'ahead' : 'behind';
  return { pairs: wins + losses + ties, wins, losses, ties, pValue, verdict };
}
