import type { TrialHistory } from '../../shared/history/trial-history.js';

/** What a request says about the trial holding one assignment. */
export type TrialFacts = { state: 'completed'; loss: number } | { state: 'pending' } | { state: 'failed' };

/**
 * The request's trials by assignment, for matching them to the assignments CMA-ES drew: each trial is claimed by
 * one assignment at most.
 */
export class TrialBook {
  private readonly facts = new Map<string, TrialFacts>();
  private readonly claimed = new Set<string>();

  constructor(history: TrialHistory) {
    for (const trial of history.completed) this.facts.set(trial.key, { state: 'completed', loss: trial.loss });
    for (const trial of history.pending) this.facts.set(trial.key, { state: 'pending' });
    for (const trial of history.failed) this.facts.set(trial.key, { state: 'failed' });
  }

  /**
   * 'absent' when no trial holds the assignment, 'taken' when one does but was claimed before, else the trial's
   * facts, now claimed.
   */
  claim(key: string): TrialFacts | 'absent' | 'taken' {
    const facts = this.facts.get(key);
    if (facts === undefined) return 'absent';
    if (this.claimed.has(key)) return 'taken';
    this.claimed.add(key);
    return facts;
  }

  /** Whether every trial of the request has been claimed. */
  get allClaimed(): boolean {
    return this.claimed.size === this.facts.size;
  }
}
