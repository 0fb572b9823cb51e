import { invalidArgument } from '../../shared/errors/service-error.js';
import { bracketAt, type HyperbandPlan } from './bracket-plan.js';
import { PROGRESS_SETTING } from './hyperband-settings.js';

/**
 * What one bracket of the experiment has handed out: how many of its first rung's configurations, then for
 * each later rung, which members of the rung below were promoted to it (their index in that rung, best first).
 * With the plan and the experiment's seed this names every assignment the bracket handed out, including those
 * of trials Katib leaves out of later requests (MetricsUnavailable, early stopped without a value), so none is
 * handed out twice and a rung never waits for a trial that will not report.
 */
export interface BracketProgress {
  started: number;
  promoted: number[][];
}

/**
 * The record as the reply's setting carries it: one JSON array per bracket, [started, [promoted to rung 1],
 * [promoted to rung 2], ...], e.g. [[9,[4,0,7],[1]],[3]].
 */
export function formatProgress(brackets: readonly BracketProgress[]): string {
  return JSON.stringify(brackets.map((bracket) => [bracket.started, ...bracket.promoted]));
}

/** Reads the record back, checked against the plan: INVALID_ARGUMENT when it is not one our replies wrote. */
export function parseProgress(text: string | undefined, plan: HyperbandPlan): BracketProgress[] {
  if (text === undefined) return [];
  const refuse = (why: string) =>
    invalidArgument(`algorithm hyperband: setting ${JSON.stringify(PROGRESS_SETTING)} is not a record this service wrote (${why}); it is written by the service into Katib's Suggestion status, never by users`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw refuse('not JSON');
  }
  if (!Array.isArray(raw)) throw refuse('not a list of brackets');
  return raw.map((entry: unknown, g) => {
    const bracket = bracketAt(plan, g);
    if (!Array.isArray(entry) || entry.length === 0) throw refuse(`bracket ${g} is not a non-empty list`);
    const [started, ...promoted] = entry as unknown[];
    if (!isCount(started, bracket.rungs[0]!.size)) throw refuse(`bracket ${g} started ${JSON.stringify(started)} of ${bracket.rungs[0]!.size} configurations`);
    if (promoted.length > bracket.s) throw refuse(`bracket ${g} has ${promoted.length} promotions for ${bracket.s} rungs`);
    let below = started;
    const rungs = promoted.map((members, index) => {
      const rung = index + 1;
      if (!Array.isArray(members) || members.length > bracket.rungs[rung]!.size) throw refuse(`bracket ${g} rung ${rung} is not a list of at most ${bracket.rungs[rung]!.size} members`);
      const seen = new Set<number>();
      for (const member of members) {
        if (!isCount(member, below - 1) || seen.has(member)) throw refuse(`bracket ${g} rung ${rung} promotes ${JSON.stringify(member)} of ${below} members`);
        seen.add(member);
      }
      below = members.length;
      return members as number[];
    });
    return { started, promoted: rungs };
  });
}

function isCount(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;
}
