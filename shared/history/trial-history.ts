import { invalidRequest, quote } from '../errors/service-error.js';
import { decimalValue } from '../space/numbers.js';
import type { Point, SearchSpace } from '../space/search-space.js';
import type { Trial } from '../wire/messages.js';
import { lossOf, type Objective } from './objective.js';

/** A trial of the experiment, placed in the search space. */
export interface HistoryTrial {
  name: string;
  /** Canonical encoded position of the trial's assignments. */
  point: Point;
  /** SearchSpace.key of the point: equal keys mean equal assignments. */
  key: string;
}

/** A trial with an objective value, as a loss to minimise. */
export interface CompletedTrial extends HistoryTrial {
  /** Always finite: a diverged trial's loss is DIVERGED_LOSS's stand-in, worse than every finite one. */
  loss: number;
  /** It reported inf, -inf or nan: the run diverged, and its loss is the stand-in. */
  diverged: boolean;
}

/**
 * A diverged trial's loss lies this fraction of the finite losses' range beyond the worst of them (or this
 * fraction of the worst's size, at least 1, when all finite losses are equal): last in every ranking (TPE's bad
 * set), and close enough to the finite losses not to dwarf them in a regression (the GP's fit).
 */
const DIVERGED_MARGIN = 0.1;

/**
 * The experiment's trials sorted by what an algorithm may learn from them. Every trial, whatever its state,
 * occupies its point: `usedKeys` is what a new suggestion must avoid.
 */
export interface TrialHistory {
  /**
   * SUCCEEDED, or EARLYSTOPPED with an objective value; in request order. A value of inf, -inf or nan (any
   * spelling Python's float() reads) is a run that diverged: evidence that its region is bad, so it counts as
   * the worst observation rather than as a failure. Infinity in the good direction is no better: no training run
   * is infinitely good, so it too means the numbers broke down.
   */
  completed: CompletedTrial[];
  /** CREATED, RUNNING, UNKNOWN, or SUCCEEDED with no objective value yet: their results are still to come. */
  pending: HistoryTrial[];
  /** FAILED, KILLED, METRICSUNAVAILABLE, EARLYSTOPPED with no value, or a value that is not a number at all. */
  failed: HistoryTrial[];
  usedKeys: Set<string>;
  /** Why a trial was counted as failed although its state said otherwise, for the service's log. */
  warnings: string[];
}

export function parseHistory(trials: readonly Trial[], space: SearchSpace, objective: Objective): TrialHistory {
  const history: TrialHistory = { completed: [], pending: [], failed: [], usedKeys: new Set(), warnings: [] };
  for (const trial of trials) {
    const point = placeTrial(trial, space);
    const placed: HistoryTrial = { name: trial.name, point, key: space.key(point) };
    history.usedKeys.add(placed.key);
    const condition = trial.status?.condition ?? 'CREATED';
    const metric = trial.status?.observation?.metrics.find((m) => m.name === objective.metricName);
    switch (condition) {
      case 'SUCCEEDED':
      case 'EARLYSTOPPED': {
        if (metric === undefined) {
          (condition === 'SUCCEEDED' ? history.pending : history.failed).push(placed);
          break;
        }
        const value = parseObjectiveValue(metric.value);
        if (value === undefined) {
          history.warnings.push(
            `trial ${quote(trial.name)}: objective ${quote(objective.metricName)} value ${quote(metric.value)} is not a number; counted as failed`,
          );
          history.failed.push(placed);
          break;
        }
        const loss = lossOf(value, objective);
        history.completed.push({ ...placed, loss, diverged: !Number.isFinite(loss) });
        break;
      }
      case 'CREATED':
      case 'RUNNING':
      case 'UNKNOWN':
        history.pending.push(placed);
        break;
      default:
        history.failed.push(placed);
    }
  }
  standInForDiverged(history);
  return history;
}

/** Gives diverged trials a finite loss worse than every finite one (see DIVERGED_MARGIN), with one warning. */
function standInForDiverged(history: TrialHistory): void {
  const diverged = history.completed.filter((trial) => trial.diverged);
  if (diverged.length === 0) return;
  const finite = history.completed.filter((trial) => !trial.diverged).map((trial) => trial.loss);
  const worst = finite.length > 0 ? Math.max(...finite) : 0;
  const best = finite.length > 0 ? Math.min(...finite) : 0;
  const spread = worst > best ? worst - best : Math.max(Math.abs(worst), 1);
  const standIn = worst + DIVERGED_MARGIN * spread;
  for (const trial of diverged) trial.loss = standIn;
  history.warnings.push(
    `${diverged.length} trial(s) reported an infinite or NaN objective (${quote(diverged.slice(0, 3).map((trial) => trial.name))}` +
      `${diverged.length > 3 ? ', ...' : ''}); counted as diverged runs, worse than every finite result`,
  );
}

/**
 * An objective value as a number: a decimal (one too large for a double is infinite), or inf / infinity / nan with an optional sign in any case (how
 * Python's float() and Go's strconv spell them). Undefined for anything else, an empty string included.
 */
export function parseObjectiveValue(text: string): number | undefined {
  const decimal = decimalValue(text);
  if (decimal !== undefined) return decimal;
  const match = /^([+-]?)(inf|infinity|nan)$/i.exec(text.trim());
  if (match === null) return undefined;
  if (match[2]!.toLowerCase() === 'nan') return NaN;
  return match[1] === '-' ? -Infinity : Infinity;
}

/** The canonical point of a trial's assignments; every parameter must be assigned once, with a value in the space. */
function placeTrial(trial: Trial, space: SearchSpace): Point {
  const assignments = trial.spec?.parameter_assignments?.assignments ?? [];
  const byName = new Map<string, string>();
  for (const assignment of assignments) {
    if (!space.dimensions.some((dimension) => dimension.name === assignment.name)) {
      throw invalidRequest(
        `trial ${quote(trial.name)} assigns parameter ${quote(assignment.name)}, which is not in the search space; expected one of ${quote(space.dimensions.map((d) => d.name))}`,
      );
    }
    if (byName.has(assignment.name)) {
      throw invalidRequest(`trial ${quote(trial.name)} assigns parameter ${quote(assignment.name)} twice`);
    }
    byName.set(assignment.name, assignment.value);
  }
  return space.dimensions.map((dimension) => {
    const value = byName.get(dimension.name);
    if (value === undefined) throw invalidRequest(`trial ${quote(trial.name)} has no value for parameter ${quote(dimension.name)}`);
    try {
      return dimension.encode(value);
    } catch (error) {
      if (error instanceof Error) error.message = `trial ${quote(trial.name)}: ${error.message}`;
      throw error;
    }
  });
}
