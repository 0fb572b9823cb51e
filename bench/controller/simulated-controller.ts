import { performance } from 'node:perf_hooks';
import type { AlgorithmSetting } from '../../shared/wire/generated/api/v1/beta1/AlgorithmSetting.js';
import type { EarlyStoppingRule__Output } from '../../shared/wire/generated/api/v1/beta1/EarlyStoppingRule.js';
import { InvalidAssignmentError, parseAssignmentValues, type ParameterValues } from '../problems/assignment-values.js';
import { katibObservation } from '../problems/katib-observation.js';
import { assignmentKey } from './assignment-key.js';
import type { EarlyStoppingHarness } from './early-stopping-harness.js';
import { experimentMessage, katibSendsTrial, logTime, mergeAlgorithmSettings, trialMessage, type ExperimentSettings, type TrialState } from './katib-messages.js';
import { earlyStoppingStep } from './metrics-collector.js';
import { EndpointCallError, type SuggestionEndpoint } from './suggestion-endpoint.js';
import { messageOf } from '../../shared/errors/message-of.js';

/** One finished trial, in the order trials finished. */
export interface TrialRecord {
  /** 1-based creation number; the trial's name is `<experiment>-<number>`. */
  number: number;
  assignments: Record<string, string>;
  /**
   * The objective value Katib recorded for it (the best value it reported), or null when its assignment could
   * not be evaluated, it reported no metric, or that value is not finite.
   */
  value: number | null;
  /**
   * Values it reported, one per epoch: the budget it used. 0 for a trial that failed; absent in results written
   * before learning curves, where every trial reported once.
   */
  epochs?: number;
  /** Its training diverged: it reported an infinite or NaN objective at some epoch. */
  diverged?: true;
  /** The metrics collector stopped it early and the early-stopping service marked it EarlyStopped. */
  earlyStopped?: true;
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
  /** The service answered UNAVAILABLE (waiting for running trials); the controller asked again later. */
  refused?: true;
}

/** One GetEarlyStoppingRules call. */
export interface RulesCallRecord {
  /** Trials in the request. */
  historySize: number;
  /** Of those, SUCCEEDED: the ones whose logs the rule is computed from. */
  succeeded: number;
  /** The rules' values, as the reply spelled them. */
  ruleValues: string[];
  milliseconds: number;
}

export interface ExperimentOutcome {
  trials: TrialRecord[];
  calls: CallRecord[];
  /** The GetEarlyStoppingRules calls, when the experiment has early stopping. */
  rulesCalls?: RulesCallRecord[];
  /** Why the experiment stopped early (a rejected Validate, a failed call, a reply of the wrong size). */
  error?: string;
}

/**
 * How trials finish, which decides what the service sees at each request:
 * - `async`: each trial runs its own simulated duration, so trials end one or two at a time and each request
 *   carries the other trials still running (Katib with trials of varying length);
 * - `sync`: every trial of a request runs as long as the slowest one would, so (unless early stopping ends some
 *   sooner) they end together and each request asks for a whole batch and carries no running trial (Katib when
 *   trials take equal time);
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
  /** What a trial reports, one objective value per epoch; undefined when it reports no objective metric at all. */
  learningCurve: (values: ParameterValues) => readonly number[] | undefined;
  /** Simulated run time of trial `number` in seconds, when it runs every epoch. */
  durationSeconds: (number: number) => number;
  /** Epochs a trial runs unless stopped or given fewer by a budget parameter (1 for a problem that reports one value). */
  epochs: number;
  /** The early-stopping service and the Katib parts it works with; settings.earlyStopping says how it is set. */
  earlyStopping?: EarlyStoppingHarness;
}

interface SimulatedTrial extends TrialState {
  number: number;
  endSeconds: number;
  duplicate: boolean;
  /** Seconds one epoch takes. */
  epochSeconds: number;
  /** The values it reports before it ends; undefined when it reports none, or its assignment is infeasible. */
  reports?: readonly number[];
  /** Why its assignment cannot be evaluated. */
  invalid?: string;
  /** The metrics collector stops it after its last report. */
  stopped: boolean;
}

/**
 * Runs one Katib Experiment against a suggestion service the way Katib's controller does: ValidateAlgorithmSettings
 * once, then keep `parallelTrialCount` trials running until `maxTrialCount` have been created. Whenever trials
 * finish (in simulated time), it asks for as many new assignments as there are free slots, sending every trial so
 * far as ConvertTrials does: succeeded and early-stopped ones with their observation (inf when training
 * diverged), running ones without, MetricsUnavailable ones not at all (total_request_number still counts them).
 *
 * With early stopping, as Katib's suggestion controller, trial controller and metrics collector do: the service's
 * settings are validated once; after each GetSuggestions, GetEarlyStoppingRules with the same experiment and
 * trials gives the rules every new trial of that reply carries; each trial's collector applies them to its
 * reports (earlyStoppingStep) and kills the training at the report that meets them; its log goes to the DB
 * manager, then SetTrialStatus marks the Trial EarlyStopped through the Kubernetes API, and the trial keeps the
 * observation its reports give. A trial's epochs take equal shares of its run time, so a stopped trial frees its
 * slot early. The clock is simulated, so an experiment takes only as long as the services' replies and the
 * objective's evaluations.
 */
export async function runSimulatedExperiment(endpoint: SuggestionEndpoint, options: ControllerOptions): Promise<ExperimentOutcome> {
  const { settings, learningCurve, durationSeconds, epochs, earlyStopping } = options;
  const schedule = options.schedule ?? 'async';
  if (schedule === 'serial' && settings.parallelTrialCount !== 1) {
    throw new Error(`the serial schedule runs one trial at a time, not ${settings.parallelTrialCount}`);
  }
  const problem = settings.problem;
  const objective = { metricName: problem.objective.metricName, type: problem.objective.type };
  const trials: SimulatedTrial[] = [];
  const finished: TrialRecord[] = [];
  const calls: CallRecord[] = [];
  const rulesCalls: RulesCallRecord[] = [];
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
    const current = experiment();
    const sent = trials.filter(katibSendsTrial).map((trial) => trialMessage(trial, problem));
    const started = performance.now();
    const call = (): CallRecord => ({
      historySize: trials.length,
      completed: trials.filter((trial) => trial.phase === 'SUCCEEDED' || trial.phase === 'EARLYSTOPPED').length,
      running,
      requested: wanted,
      totalRequested,
      milliseconds: performance.now() - started,
    });
    let reply: Awaited<ReturnType<SuggestionEndpoint['getSuggestions']>>;
    try {
      reply = await endpoint.getSuggestions({ experiment: current, trials: sent, current_request_number: wanted, total_request_number: totalRequested });
    } catch (error) {
      // Katib requeues a failed SyncAssignments and asks again later: a service waiting for running trials to
      // report (hyperband's rungs) answers UNAVAILABLE until they have. Here, later is when the next trial ends.
      if (!(error instanceof EndpointCallError && error.code === 'UNAVAILABLE' && running > 0)) throw error;
      calls.push({ ...call(), refused: true });
      totalRequested -= wanted;
      return;
    }
    calls.push(call());
    if (reply.parameter_assignments.length !== wanted) {
      throw new Error(`GetSuggestions returned ${reply.parameter_assignments.length} assignments for a request of ${wanted}`);
    }
    const rules = earlyStopping === undefined ? [] : await requestRules(earlyStopping, current, sent);
    if (reply.algorithm !== null && reply.algorithm.algorithm_settings.length > 0) {
      algorithmSettings = mergeAlgorithmSettings(algorithmSettings, reply.algorithm.algorithm_settings);
    }
    const firstNumber = trials.length + 1;
    const durations = reply.parameter_assignments.map((_, index) => durationSeconds(firstNumber + index));
    // Sync: the whole batch runs as long as its slowest trial would, so that it ends together.
    const batchDuration = Math.max(...durations);
    for (const [index, suggestion] of reply.parameter_assignments.entries()) {
      const number = firstNumber + index;
      const assignments = suggestion.assignments.map(({ name, value }) => ({ name, value }));
      const byName = Object.fromEntries(assignments.map(({ name, value }) => [name, value]));
      const key = assignmentKey(problem, byName);
      const duration = schedule === 'sync' ? batchDuration : durations[index]!;
      const trial: SimulatedTrial = {
        number,
        name: `${settings.name}-${number}`,
        assignments,
        phase: 'RUNNING',
        startSeconds: clock,
        endSeconds: clock + duration,
        epochSeconds: duration / epochs,
        duplicate: seenKeys.has(key),
        stopped: false,
      };
      seenKeys.add(key);
      planRun(trial, byName, rules);
      trials.push(trial);
      await earlyStopping?.trials.create(trial.name, trial.startSeconds, { type: objective.type, objectiveMetricName: objective.metricName });
    }
  }

  async function requestRules(harness: EarlyStoppingHarness, current: ReturnType<typeof experiment>, sent: ReturnType<typeof trialMessage>[]): Promise<EarlyStoppingRule__Output[]> {
    const started = performance.now();
    const reply = await harness.endpoint.getEarlyStoppingRules({ experiment: current, trials: sent, db_manager_address: harness.dbManagerAddress });
    rulesCalls.push({
      historySize: sent.length,
      succeeded: sent.filter((trial) => trial.status?.condition === 'SUCCEEDED').length,
      ruleValues: reply.early_stopping_rules.map((rule) => rule.value),
      milliseconds: performance.now() - started,
    });
    return reply.early_stopping_rules;
  }

  /** What the trial will report and where its collector stops it, which fixes when it ends. */
  function planRun(trial: SimulatedTrial, assignments: Record<string, string>, rules: readonly EarlyStoppingRule__Output[]): void {
    let curve: readonly number[] | undefined;
    try {
      curve = learningCurve(parseAssignmentValues(problem, assignments));
    } catch (error) {
      if (!(error instanceof InvalidAssignmentError)) throw error;
      trial.invalid = error.message;
      return;
    }
    if (curve === undefined) return;
    const stop = earlyStoppingStep(curve, rules, objective);
    trial.stopped = stop !== undefined;
    trial.reports = curve.slice(0, stop ?? curve.length);
    // Stopped, or given fewer epochs than the problem's (a budget parameter): it ends after the epochs it ran.
    if (trial.reports.length < epochs) trial.endSeconds = trial.startSeconds + trial.reports.length * trial.epochSeconds;
  }

  async function finish(trial: SimulatedTrial): Promise<void> {
    trial.completionSeconds = trial.endSeconds;
    const record: TrialRecord = {
      number: trial.number,
      assignments: Object.fromEntries(trial.assignments.map(({ name, value }) => [name, value])),
      value: null,
      epochs: trial.reports?.length ?? (trial.invalid === undefined ? epochs : 0),
      startSeconds: trial.startSeconds,
      completionSeconds: trial.endSeconds,
      duplicate: trial.duplicate,
    };
    finished.push(record);
    if (trial.invalid !== undefined) {
      trial.phase = 'FAILED';
      record.error = trial.invalid;
      return;
    }
    const reports = trial.reports;
    if (reports === undefined) {
      trial.phase = 'METRICSUNAVAILABLE';
      record.metricsUnavailable = true;
      return;
    }
    if (earlyStopping !== undefined) {
      await earlyStopping.logs.report(
        trial.name,
        reports.map((value, index) => ({
          timeStamp: logTime(trial.startSeconds + (index + 1) * trial.epochSeconds),
          metricName: objective.metricName,
          value: metricText(value),
        })),
      );
    }
    if (trial.stopped) {
      await earlyStopping!.endpoint.setTrialStatus({ trial_name: trial.name });
      await earlyStopping!.trials.waitForEarlyStopped(trial.name);
      trial.phase = 'EARLYSTOPPED';
      record.earlyStopped = true;
    } else {
      trial.phase = 'SUCCEEDED';
    }
    const observation = katibObservation(objective.type, reports)!;
    trial.metricValue = metricText(observation);
    if (Number.isFinite(observation)) record.value = observation;
    if (reports.some((value) => !Number.isFinite(value))) record.diverged = true;
  }

  try {
    await endpoint.validateAlgorithmSettings({ experiment: experiment() });
    if (earlyStopping !== undefined) await earlyStopping.endpoint.validateEarlyStoppingSettings({ early_stopping: experiment().spec!.early_stopping! });
    await requestTrials();
    for (;;) {
      const running = trials.filter((trial) => trial.phase === 'RUNNING');
      if (running.length === 0) break;
      // Trials that end at the same moment are seen together, and replaced by one request, as in Katib.
      clock = Math.min(...running.map((trial) => trial.endSeconds));
      for (const trial of running) if (trial.endSeconds === clock) await finish(trial);
      await requestTrials();
    }
  } catch (error) {
    return { trials: finished, calls, ...(earlyStopping === undefined ? {} : { rulesCalls }), error: messageOf(error) };
  } finally {
    // As Katib when the Experiment is deleted: its trials and their logs go.
    await earlyStopping?.forget(trials.map((trial) => trial.name));
  }
  return { trials: finished, calls, ...(earlyStopping === undefined ? {} : { rulesCalls }) };
}

/** A metric value as a training script prints it: Python's spelling of the non-finite values. */
function metricText(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return String(value);
}
