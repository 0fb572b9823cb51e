import type { Bracket } from './bracket-plan.js';
import type { BracketProgress } from './progress-record.js';

/** How a member's trial stands in the request. */
export type Outcome =
  | { kind: 'completed'; loss: number }
  | { kind: 'pending' }
  /**
   * Handed out by the reply before this request and not in it: Katib builds a request from the Trials it has
   * seen, and may not have seen those it created from the last reply yet. Waited for like a running trial; it
   * may also be a trial that ended MetricsUnavailable at once, which the next reply makes `ended`.
   */
  | { kind: 'unseen' }
  /** Failed, killed, no value, or not in the request at all (Katib leaves MetricsUnavailable trials out): no result will come. */
  | { kind: 'ended' };

/** Neither completed nor ended: its outcome may still change. */
const stillOpen = (member: Member) => member.outcome.kind === 'pending' || member.outcome.kind === 'unseen';

/** A configuration run at one rung's budget. */
export interface Member {
  /** Index of its configuration in the bracket's first rung. */
  configuration: number;
  outcome: Outcome;
}

/** An assignment a bracket can hand out now: a first-rung configuration, or a member of `rung - 1` promoted. */
export interface Slot {
  g: number;
  rung: number;
  /** The configuration's index at rung 0; for a promotion, the member's index in the rung below. */
  source: number;
  configuration: number;
}

/**
 * Successive halving in one bracket, rebuilt from its progress record and the trials' outcomes. Only its top
 * rung (the last one anything was handed out to) can still grow; the next rung opens once every member of the
 * top rung has an outcome that will not change, and takes the best of those that completed: a rung promotes from
 * what reported and never waits for a trial that failed or went missing.
 */
export class BracketState {
  /** rungs[r]: the members handed out to rung r, in the order they were. */
  readonly rungs: Member[][];

  /**
   * @param outcomeOf a member's outcome, undefined when the request has no trial for it
   * @param latest how many of the top rung's last members the previous reply handed out
   */
  constructor(
    readonly g: number,
    readonly bracket: Bracket,
    readonly progress: BracketProgress,
    outcomeOf: (configuration: number, rung: number) => Outcome | undefined,
    latest = 0,
  ) {
    const first = Array.from({ length: progress.started }, (_, configuration) => ({ configuration, outcome: outcomeOf(configuration, 0) }));
    const rungs = [first];
    progress.promoted.forEach((members, index) => {
      const below = rungs[index]!;
      rungs.push(members.map((source) => ({ configuration: below[source]!.configuration, outcome: outcomeOf(below[source]!.configuration, index + 1) })));
    });
    this.rungs = rungs.map((members, rung) =>
      members.map(({ configuration, outcome }, index) => ({
        configuration,
        outcome: outcome ?? (rung === rungs.length - 1 && index >= members.length - latest ? { kind: 'unseen' } : { kind: 'ended' }),
      })),
    );
  }

  private get top(): number {
    return this.rungs.length - 1;
  }

  /** How many members rung r gets: the plan's number, or fewer when fewer of the rung below completed. */
  private target(rung: number): number {
    const planned = this.bracket.rungs[rung]!.size;
    return rung === 0 ? planned : Math.min(planned, completed(this.rungs[rung - 1]!).length);
  }

  /** The top rung's members still to report: what the bracket waits for when it has nothing to hand out. */
  get waitingFor(): number {
    if (this.available().length > 0 || this.done) return 0;
    return this.rungs[this.top]!.filter(stillOpen).length;
  }

  /** Nothing more to hand out, ever: the last rung is out, or a rung had no member complete. */
  get done(): boolean {
    const top = this.top;
    if (this.rungs[top]!.length < this.target(top)) return false;
    if (top === this.bracket.s) return true;
    return !this.rungs[top]!.some(stillOpen) && completed(this.rungs[top]!).length === 0;
  }

  /** What the bracket can hand out now, in the order it should: first-rung configurations in order, promotions best first. */
  available(): Slot[] {
    const top = this.top;
    const members = this.rungs[top]!;
    if (members.length < this.target(top)) {
      if (top === 0) {
        return Array.from({ length: this.target(0) - members.length }, (_, i) => this.slot(0, members.length + i, members.length + i));
      }
      const promoted = new Set(this.progress.promoted[top - 1]);
      return ranking(this.rungs[top - 1]!)
        .filter((index) => !promoted.has(index))
        .slice(0, this.target(top) - members.length)
        .map((index) => this.slot(top, index, this.rungs[top - 1]![index]!.configuration));
    }
    if (top === this.bracket.s || members.some(stillOpen)) return [];
    return ranking(members)
      .slice(0, this.target(top + 1))
      .map((index) => this.slot(top + 1, index, members[index]!.configuration));
  }

  /** Trials the bracket may still hand out if every rung fills: for reserving them within max_trial_count. */
  get remaining(): number {
    if (this.done) return 0;
    const top = this.top;
    let rest = Math.max(0, this.target(top) - this.rungs[top]!.length);
    for (let rung = top + 1; rung <= this.bracket.s; rung++) rest += this.bracket.rungs[rung]!.size;
    return rest;
  }

  private slot(rung: number, source: number, configuration: number): Slot {
    return { g: this.g, rung, source, configuration };
  }
}

/** Records `slot` as handed out in its bracket's progress. */
export function recordSlot(progress: BracketProgress, slot: Slot): void {
  if (slot.rung === 0) {
    progress.started++;
    return;
  }
  while (progress.promoted.length < slot.rung) progress.promoted.push([]);
  progress.promoted[slot.rung - 1]!.push(slot.source);
}

function completed(members: readonly Member[]): Member[] {
  return members.filter((member) => member.outcome.kind === 'completed');
}

/** Indices of the members that completed, lowest loss first (ties: handed out first). */
function ranking(members: readonly Member[]): number[] {
  const loss = (index: number) => (members[index]!.outcome as { loss: number }).loss;
  return members
    .map((member, index) => ({ member, index }))
    .filter(({ member }) => member.outcome.kind === 'completed')
    .map(({ index }) => index)
    .sort((a, b) => loss(a) - loss(b) || a - b);
}
