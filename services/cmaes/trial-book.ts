import type { TrialHistory } from '../../shared/history/trial-history.js';

/** What a request says about the trial holding one assignment. */
export type TrialFacts = { state: 'completed'; loss: number } | { state: 'pending' } | { state: 'failed' };

/**
 * The request's trials by assignment, for matching them to the members CMA-ES drew: each trial is claimed by one
 * member at most. It also counts the assignments handed out that the request does not show (Katib leaves
 * MetricsUnavailable trials and early-stopped trials without an observation out): the replay explains each
 * missing member by one of these omissions.
 */
export class TrialBook {
  private readonly facts = new Map<string, TrialFacts>();
  private readonly claimed = new Set<string>();
  private omissions: number;

  constructor(history: TrialHistory, handedOut: number) {
    for (const trial of history.completed) this.facts.set(trial.key, { state: 'completed', loss: trial.loss });
    for (const trial of history.pending) this.facts.set(trial.key, { state: 'pending' });
    for (const trial of history.failed) this.facts.set(trial.key, { state: 'failed' });
    const shown = history.completed.length + history.pending.length + history.failed.length;
    this.omissions = Math.max(0, handedOut - shown);
  }

  /**
   * 'absent' when no trial holds the assignment, 'taken' when one does but an earlier member claimed it, else
   * the trial's facts, now claimed.
   */
  claim(key: string): TrialFacts | 'absent' | 'taken' {
    const facts = this.facts.get(key);
    if (facts === undefined) return 'absent';
    if (this.claimed.has(key)) return 'taken';
    this.claimed.add(key);
    return facts;
  }

  /** Whether a trial of the request holds the assignment. */
  holds(key: string): boolean {
    return this.facts.has(key);
  }

  /** Omitted assignments not yet attributed to a member. */
  get omissionsLeft(): number {
    return this.omissions;
  }

  /** Attributes up to `count` omissions to members; returns how many were. */
  attributeOmissions(count: number): number {
    const taken = Math.max(0, Math.min(count, this.omissions));
    this.omissions -= taken;
    return taken;
  }
}
