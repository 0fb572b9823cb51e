import { performance } from 'node:perf_hooks';
import type { AlgorithmSetting } from '../../shared/wire/generated/api/v1/beta1/AlgorithmSetting.js';
import { InvalidAssignmentError, parseAssignmentValues, type ParameterValues } from '../problems/assignment-values.js';
import { assignmentKey } from './assignment-key.js';
import { experimentMessage, katibSendsTrial, mergeAlgorithmSettings, trialMessage, type ExperimentSettings, type TrialState } from './katib-messages.js';
import type { SuggestionEndpoint } from './suggestion-endpoint.js';
import { messageOf } from '../../shared/errors/message-of.js';

/** One finished trial, in the order trials finished. */
export interface TrialRecord {
  /** 1-based creation number; the trial's name is `<experiment>-<number>`. */
  number: number;
  assignments: Record<string, string>;
  /**
   * The objective value it reported, or null when its assignment could not be evaluated, it reported no metric,
   * or it diverged.
   */
  value: number | null;
  /** Training diverged: the trial succeeded and reported an infinite or NaN objective. */
  diverged?: true;
  /** It reported no objective metric: MetricsUnavailable, left out of every later request. */
  metricsUnavailable?: true;
  /** Why the trial failed (an assignment outside the feasible space, ...). */
  error?: string;
  startSeconds: number;
  completionSeconds: number;
  /** Its assignment repeats an earlier trial's (or an earlier one of the same reply). */
  duplicate: boolean;
}

/** One GetSuggestions call. */
export interface CallRecord {
  /** Trials in the request: completed, running and failed. */
  historySize: number;
  completed: number;
  running: number;
  /** current_request_number and total_request_number of the request. */
  requested: number;
  totalRequested: number;
  milliseconds: number;
}

export interface ExperimentOutcome {
  trials: TrialRecord[];
  calls: CallRecord[];
  /** Why the experiment stopped early (a rejected Validate, a failed call, a reply of the wrong size). */
  error?: string;
}

/**
 * How trials finish, which decides what the service sees at each request:
 * - `async`: each trial runs its own simulated duration, so trials end one or two at a time and each request
 *   carries the other trials still running (Katib with trials of varying length);
 * - `sync`: every trial of a request ends together, when the slowest one would, so each request asks for a whole
 *   batch and carries no running trial (Katib when trials take equal time);
 * - `serial`: one trial at a time (parallel_trial_count 1), where the two coincide.
 */
export type Schedule = 'async' | 'sync' | 'serial';
export const SCHEDULES: readonly Schedule[] = ['async', 'sync', 'serial'];

/** The parallel_trial_count a schedule runs with, given the one asked for. */
export function parallelOf(schedule: Schedule, parallel: number): number {
  return schedule === 'serial' ? 1 : parallel;
}

export interface ControllerOptions {
  settings: ExperimentSettings;
  /** Default `async`; with `serial`, settings.parallelTrialCount must be 1 (parallelOf). */
  schedule?: Schedule;
  /** The value a trial reports; undefined when it reports no objective metric at all. */
  objective: (values: ParameterValues) => number | undefined;
  /** Simulated run time of trial `number` in seconds. */
  durationSeconds: (number: number) => number;
}

interface SimulatedTrial extends TrialState {
  number: number;
  endSeconds: number;
  duplicate: boolean;
}

/**
 * Runs one Katib Experiment against a suggestion service the way Katib's controller does: ValidateAlgorithmSettings
 * once, then keep `parallelTrialCount` trials running until `maxTrialCount` have been created. Whenever trials
 * finish (in simulated time), it asks for as many new assignments as there are free slots, sending every trial so
 * far as ConvertTrials does: succeeded ones with their observation (inf when training diverged), running ones
 * without, MetricsUnavailable ones not at all (total_request_number still counts them). The clock is simulated, so an experiment
 * takes only as long as the service's replies and the objective's evaluations.
 */
export async function runSimulatedExperiment(endpoint: SuggestionEndpoint, options: ControllerOptions): Promise<ExperimentOutcome> {
  const { settings, objective, durationSeconds } = options;
  const schedule = options.schedule ?? 'async';
  if (schedule === 'serial' && settings.parallelTrialCount !== 1) {
    throw new Error(`the serial schedule runs one trial at a time, not ${settings.parallelTrialCount}`);
  }
  const problem = settings.problem;
  const trials: SimulatedTrial[] = [];
  const finished: TrialRecord[] = [];
  const calls: CallRecord[] = [];
  const seenKeys = new Set<string>();
  let algorithmSettings: AlgorithmSetting[] = settings.algorithmSettings;
  let totalRequested = 0;
  let clock = 0;

  const experiment = () => experimentMessage({ ...settings, algorithmSettings });

  async function requestTrials(): Promise<void> {
    const running = trials.filter((trial) => trial.phase === 'RUNNING').length;
    const wanted = Math.min(settings.parallelTrialCount - running, settings.maxTrialCount - totalRequested);
    if (wanted <= 0) return;
    totalRequested += wanted;
    const started = performance.now();
    const reply = await endpoint.getSuggestions({
      experiment: experiment(),
      trials: trials.filter(katibSendsTrial).map((trial) => trialMessage(trial, problem)),
      current_request_number: wanted,
      total_request_number: totalRequested,
    });
    calls.push({
      historySize: trials.length,
      completed: trials.filter((trial) => trial.phase === 'SUCCEEDED').length,
      running,
      requested: wanted,
      totalRequested,
      milliseconds: performance.now() - started,
    });
    if (reply.parameter_assignments.length !== wanted) {
      throw new Error(`GetSuggestions returned ${reply.parameter_assignments.length} assignments for a request of ${wanted}`);
    }
    if (reply.algorithm !== null && reply.algorithm.algorithm_settings.length > 0) {
      algorithmSettings = mergeAlgorithmSettings(algorithmSettings, reply.algorithm.algorithm_settings);
    }
    for (const suggestion of reply.parameter_assignments) {
      const number = trials.length + 1;
      const assignments = suggestion.assignments.map(({ name, value }) => ({ name, value }));
      const key = assignmentKey(problem, Object.fromEntries(assignments.map(({ name, value }) => [name, value])));
      trials.push({
        number,
        name: `${settings.name}-${number}`,
        assignments,
        phase: 'RUNNING',
        startSeconds: clock,
        endSeconds: clock + durationSeconds(number),
        duplicate: seenKeys.has(key),
      });
      seenKeys.add(key);
    }
  }

  function finish(trial: SimulatedTrial): void {
    trial.completionSeconds = trial.endSeconds;
    const assignments = Object.fromEntries(trial.assignments.map(({ name, value }) => [name, value]));
    const record: TrialRecord = {
      number: trial.number,
      assignments,
      value: null,
      startSeconds: trial.startSeconds,
      completionSeconds: trial.endSeconds,
      duplicate: trial.duplicate,
    };
    try {
      const value = objective(parseAssignmentValues(problem, assignments));
      if (value === undefined) {
        trial.phase = 'METRICSUNAVAILABLE';
        record.metricsUnavailable = true;
      } else {
        trial.phase = 'SUCCEEDED';
        trial.metricValue = metricText(value);
        if (Number.isFinite(value)) record.value = value;
        else record.diverged = true;
      }
    } catch (error) {
      if (!(error instanceof InvalidAssignmentError)) throw error;
      trial.phase = 'FAILED';
      record.error = error.message;
    }
    finished.push(record);
  }

  try {
    await endpoint.validateAlgorithmSettings({ experiment: experiment() });
    await requestTrials();
    for (;;) {
      const running = trials.filter((trial) => trial.phase === 'RUNNING');
      if (running.length === 0) break;
      if (schedule === 'sync') {
        // The whole batch ends together, when its slowest trial would: one request replaces all of it.
        clock = Math.max(...running.map((trial) => trial.endSeconds));
        for (const trial of running) {
          trial.endSeconds = clock;
          finish(trial);
        }
      } else {
        // Trials that end at the same second are seen together, and replaced by one request, as in Katib.
        clock = Math.min(...running.map((trial) => trial.endSeconds));
        for (const trial of running) if (trial.endSeconds === clock) finish(trial);
      }
      await requestTrials();
    }
  } catch (error) {
    return { trials: finished, calls, error: messageOf(error) };
  }
  return { trials: finished, calls };
}

/** A metric value as a training script prints it: Python's spelling of the non-finite values. */
function metricText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}
