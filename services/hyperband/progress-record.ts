import { invalidRequest } from '../../shared/errors/service-error.js';
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

/** Every bracket's progress, and how many of each bracket's last members the reply that wrote it handed out. */
export interface ProgressRecord {
  brackets: BracketProgress[];
  /** By bracket number: the last members of its top rung that the latest reply handed out. */
  latest: Map<number, number>;
}

/**
 * The record as the reply's setting carries it: per bracket [started, [promoted to rung 1], [promoted to
 * rung 2], ...], and [bracket, count] for each bracket the reply handed something out to, e.g.
 * {"brackets":[[9,[4,0,7],[1]],[5]],"latest":[[1,2]]}.
 */
export function formatProgress(record: ProgressRecord): string {
  return JSON.stringify({
    brackets: record.brackets.map((bracket) => [bracket.started, ...bracket.promoted]),
    latest: [...record.latest].filter(([, count]) => count > 0),
  });
}

/** Reads the record back, checked against the plan: INVALID_ARGUMENT when it is not one our replies wrote. */
export function parseProgress(text: string | undefined, plan: HyperbandPlan): ProgressRecord {
  if (text === undefined) return { brackets: [], latest: new Map() };
  const refuse = (why: string) =>
    invalidRequest(`algorithm hyperband: setting ${JSON.stringify(PROGRESS_SETTING)} is not a record this service wrote (${why}); it is written by the service into Katib's Suggestion status, never by users`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw refuse('not JSON');
  }
  const { brackets: rawBrackets, latest: rawLatest } = (typeof raw === 'object' && raw !== null ? raw : {}) as { brackets?: unknown; latest?: unknown };
  if (!Array.isArray(rawBrackets) || !Array.isArray(rawLatest)) throw refuse('not {"brackets": [...], "latest": [...]}');
  const brackets = rawBrackets.map((entry: unknown, g) => parseBracket(entry, g, plan, refuse));
  const latest = new Map<number, number>();
  for (const pair of rawLatest as unknown[]) {
    const [g, count] = Array.isArray(pair) ? (pair as unknown[]) : [];
    if (!isCount(g, brackets.length - 1) || latest.has(g)) throw refuse(`latest names bracket ${JSON.stringify(g)} of ${brackets.length}`);
    const bracket = brackets[g]!;
    const top = bracket.promoted.length === 0 ? bracket.started : bracket.promoted.at(-1)!.length;
    if (!isCount(count, top)) throw refuse(`latest gives bracket ${g} ${JSON.stringify(count)} of its ${top} top members`);
    latest.set(g, count);
  }
  return { brackets, latest };
}

function parseBracket(entry: unknown, g: number, plan: HyperbandPlan, refuse: (why: string) => Error): BracketProgress {
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
}

function isCount(value: unknown, max: number): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= max;
}
