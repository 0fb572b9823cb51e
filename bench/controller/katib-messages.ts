import type { AlgorithmSetting } from '../../shared/wire/generated/api/v1/beta1/AlgorithmSetting.js';
import type { EarlyStoppingSetting } from '../../shared/wire/generated/api/v1/beta1/EarlyStoppingSetting.js';
import type { Experiment } from '../../shared/wire/generated/api/v1/beta1/Experiment.js';
import type { ParameterAssignment } from '../../shared/wire/generated/api/v1/beta1/ParameterAssignment.js';
import type { ParameterSpec } from '../../shared/wire/generated/api/v1/beta1/ParameterSpec.js';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';
import type { DistributionName, ParameterDefinition, ProblemDefinition } from '../problems/problem-catalog.js';

/** What the simulated Katib Experiment is: the problem's search space and objective plus the algorithm. */
export interface ExperimentSettings {
  name: string;
  problem: ProblemDefinition;
  algorithmName: string;
  algorithmSettings: AlgorithmSetting[];
  parallelTrialCount: number;
  maxTrialCount: number;
  /** The Experiment's spec.earlyStopping, when it has one. */
  earlyStopping?: { algorithmName: string; algorithmSettings: EarlyStoppingSetting[] };
}

const DISTRIBUTIONS: Record<DistributionName, 'UNIFORM' | 'LOG_UNIFORM' | 'NORMAL' | 'LOG_NORMAL'> = {
  uniform: 'UNIFORM',
  logUniform: 'LOG_UNIFORM',
  normal: 'NORMAL',
  logNormal: 'LOG_NORMAL',
};

/** A problem parameter as Katib's controller puts it on the wire (ConvertExperiment's convertParameters). */
export function parameterSpec(parameter: ParameterDefinition): ParameterSpec {
  const space = parameter.feasibleSpace;
  return {
    name: parameter.name,
    parameter_type: parameter.parameterType.toUpperCase() as 'DOUBLE' | 'INT' | 'DISCRETE' | 'CATEGORICAL',
    feasible_space: {
      min: space.min ?? '',
      max: space.max ?? '',
      step: space.step ?? '',
      list: space.list ?? [],
      distribution: space.distribution === undefined ? 'DISTRIBUTION_UNSPECIFIED' : DISTRIBUTIONS[space.distribution],
    },
  };
}

export function objectiveSpec(problem: ProblemDefinition): NonNullable<Experiment['spec']>['objective'] {
  return {
    type: problem.objective.type === 'minimize' ? 'MINIMIZE' : 'MAXIMIZE',
    objective_metric_name: problem.objective.metricName,
    additional_metric_names: [],
  };
}

/** The Experiment message, as ConvertExperiment builds it (no goal, no NAS config). */
export function experimentMessage(settings: ExperimentSettings): Experiment {
  return {
    name: settings.name,
    spec: {
      parameter_specs: { parameters: settings.problem.parameters.map(parameterSpec) },
      objective: objectiveSpec(settings.problem),
      algorithm: { algorithm_name: settings.algorithmName, algorithm_settings: settings.algorithmSettings },
      ...(settings.earlyStopping === undefined
        ? {}
        : { early_stopping: { algorithm_name: settings.earlyStopping.algorithmName, algorithm_settings: settings.earlyStopping.algorithmSettings } }),
      parallel_trial_count: settings.parallelTrialCount,
      max_trial_count: settings.maxTrialCount,
    },
  };
}

/** Where a simulated trial is; the controller sends only the latest condition, as Katib does. */
export type TrialPhase = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'METRICSUNAVAILABLE' | 'EARLYSTOPPED';

export interface TrialState {
  name: string;
  assignments: ParameterAssignment[];
  phase: TrialPhase;
  startSeconds: number;
  /** Set once the trial has finished. */
  completionSeconds?: number;
  /** The objective metric's value, as the string the trial reported ("inf" when training diverged). */
  metricValue?: string;
}

/** Simulated time 0 of every experiment, so that requests (and therefore replies) do not depend on the wall clock. */
const EPOCH_MS = Date.UTC(2024, 0, 1);

/** RFC 3339 in the `2006-01-02T15:04:05Z` form Katib's controller uses. */
export function katibTime(seconds: number): string {
  return new Date(EPOCH_MS + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 to the millisecond, as a metrics collector stamps a reported value (Go's RFC3339Nano). */
export function logTime(seconds: number): string {
  return new Date(EPOCH_MS + seconds * 1000).toISOString();
}

/**
 * Whether ConvertTrials puts the trial in requests at all: it leaves MetricsUnavailable trials out, and
 * early-stopped ones without an observation, while total_request_number still counts them.
 */
export function katibSendsTrial(trial: TrialState): boolean {
  return trial.phase !== 'METRICSUNAVAILABLE' && !(trial.phase === 'EARLYSTOPPED' && trial.metricValue === undefined);
}

/**
 * A trial as ConvertTrials sends it: running trials carry a start time and an empty observation; finished ones
 * their completion time and, when they succeeded, the objective metric.
 */
export function trialMessage(trial: TrialState, problem: ProblemDefinition): Trial {
  return {
    name: trial.name,
    spec: { objective: objectiveSpec(problem), parameter_assignments: { assignments: trial.assignments }, labels: {} },
    status: {
      start_time: katibTime(trial.startSeconds),
      completion_time: trial.completionSeconds === undefined ? '' : katibTime(trial.completionSeconds),
      condition: trial.phase,
      observation: {
        metrics: trial.metricValue === undefined ? [] : [{ name: problem.objective.metricName, value: trial.metricValue }],
      },
    },
  };
}

/**
 * Settings a reply's `algorithm` carries are kept by the controller and override (or add to) the experiment's
 * own in every later request (appendAlgorithmSettingsFromSuggestion).
 */
export function mergeAlgorithmSettings(current: readonly AlgorithmSetting[], fromReply: readonly AlgorithmSetting[]): AlgorithmSetting[] {
  const merged = current.map((setting) => ({ ...setting }));
  for (const setting of fromReply) {
    const existing = merged.find((candidate) => candidate.name === setting.name);
    if (existing === undefined) merged.push({ name: setting.name, value: setting.value });
    else existing.value = setting.value;
  }
  return merged;
}
