/**
 * Hyperband's bracket arithmetic (Li et al., "Hyperband: A Novel Bandit-Based Approach to Hyperparameter
 * Optimization", JMLR 2018, Algorithm 1). With R the largest budget (r_l) and eta the cut, there are
 * s_max + 1 brackets, s = s_max down to 0, s_max the largest s with eta^s <= R. Bracket s starts
 * n = ceil((s_max + 1) / (s + 1) * eta^s) configurations at the budget R * eta^-s; its rung i keeps
 * floor(n * eta^-i) of them, the best of the rung below, at the budget R * eta^(i - s), up to rung s at R.
 */

/** Relative slack for powers of eta computed in floating point: 3^5 must still fit an r_l of 243. */
const SLACK = 1e-9;

/** One Hyperband run may need at most this many trials: beyond it the plan is a typo (r_l 1e9 with eta 2). */
export const MAX_TRIALS_PER_RUN = 100_000;

export interface Rung {
  /** How many configurations the rung runs. */
  size: number;
  /** The budget each of them gets: the value of the resource parameter. */
  budget: number;
}

export interface Bracket {
  /** Hyperband's s: the bracket has s + 1 rungs. */
  s: number;
  rungs: Rung[];
}

export interface HyperbandPlan {
  sMax: number;
  /** s = s_max first, as the paper runs them. */
  brackets: Bracket[];
  /** Every rung of every bracket: the trials of one Hyperband run. */
  trialsPerRun: number;
}

/**
 * The brackets for the largest budget `maxBudget` (r_l, > 0) and the cut `eta` (>= 2). `integerBudgets` rounds
 * budgets down to whole numbers, for an INT resource parameter (then maxBudget must be at least 1).
 */
export function hyperbandPlan(maxBudget: number, eta: number, integerBudgets: boolean): HyperbandPlan {
  let sMax = 0;
  while (eta ** (sMax + 1) <= maxBudget * (1 + SLACK)) sMax++;
  const brackets: Bracket[] = [];
  for (let s = sMax; s >= 0; s--) {
    const n = Math.ceil((((sMax + 1) / (s + 1)) * eta ** s) * (1 - SLACK));
    const rungs: Rung[] = [];
    for (let i = 0; i <= s; i++) {
      const exactBudget = maxBudget / eta ** (s - i);
      rungs.push({
        size: Math.max(1, Math.floor((n / eta ** i) * (1 + SLACK))),
        budget: integerBudgets ? Math.floor(exactBudget * (1 + SLACK)) : exactBudget,
      });
    }
    brackets.push({ s, rungs });
  }
  const trialsPerRun = brackets.reduce((sum, bracket) => sum + bracket.rungs.reduce((rungSum, rung) => rungSum + rung.size, 0), 0);
  return { sMax, brackets, trialsPerRun };
}

/**
 * The bracket the experiment's g-th bracket follows. Runs repeat: bracket g is bracket g mod (s_max + 1) of run
 * floor(g / (s_max + 1)), with configurations of its own.
 */
export function bracketAt(plan: HyperbandPlan, g: number): Bracket {
  return plan.brackets[g % plan.brackets.length]!;
}

export function runOf(plan: HyperbandPlan, g: number): number {
  return Math.floor(g / plan.brackets.length);
}

/** Every budget the plan uses, ascending. */
export function budgetsOf(plan: HyperbandPlan): number[] {
  return [...new Set(plan.brackets.flatMap((bracket) => bracket.rungs.map((rung) => rung.budget)))].sort((a, b) => a - b);
}
