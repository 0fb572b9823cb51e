import { invalidArgument, quote } from '../errors/service-error.js';
import { parseDecimal } from '../space/numbers.js';
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
  loss: number;
}

/**
 * The experiment's trials sorted by what an algorithm may learn from them. Every trial, whatever its state,
 * occupies its point: `usedKeys` is what a new suggestion must avoid.
 */
export interface TrialHistory {
  /** SUCCEEDED, or EARLYSTOPPED with an objective value; in request order. */
  completed: CompletedTrial[];
  /** CREATED, RUNNING, UNKNOWN, or SUCCEEDED with no objective value yet: their results are still to come. */
  pending: HistoryTrial[];
  /** FAILED, KILLED, METRICSUNAVAILABLE, EARLYSTOPPED with no value, or a value that is not a finite number. */
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
        const value = parseDecimal(metric.value);
        if (value === undefined) {
          history.warnings.push(
            `trial ${quote(trial.name)}: objective ${quote(objective.metricName)} value ${quote(metric.value)} is not a finite number; counted as failed`,
          );
          history.failed.push(placed);
          break;
        }
        history.completed.push({ ...placed, loss: lossOf(value, objective) });
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
  return history;
}

/** The canonical point of a trial's assignments; every parameter must be assigned once, with a value in the space. */
function placeTrial(trial: Trial, space: SearchSpace): Point {
  const assignments = trial.spec?.parameter_assignments?.assignments ?? [];
  const byName = new Map<string, string>();
  for (const assignment of assignments) {
    if (!space.dimensions.some((dimension) => dimension.name === assignment.name)) {
      throw invalidArgument(
        `trial ${quote(trial.name)} assigns parameter ${quote(assignment.name)}, which is not in the search space; expected one of ${quote(space.dimensions.map((d) => d.name))}`,
      );
    }
    if (byName.has(assignment.name)) {
      throw invalidArgument(`trial ${quote(trial.name)} assigns parameter ${quote(assignment.name)} twice`);
    }
    byName.set(assignment.name, assignment.value);
  }
  return space.dimensions.map((dimension) => {
    const value = byName.get(dimension.name);
    if (value === undefined) throw invalidArgument(`trial ${quote(trial.name)} has no value for parameter ${quote(dimension.name)}`);
    try {
      return dimension.encode(value);
    } catch (error) {
      if (error instanceof Error) error.message = `trial ${quote(trial.name)}: ${error.message}`;
      throw error;
    }
  });
}
