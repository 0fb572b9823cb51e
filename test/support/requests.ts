import type { Experiment } from '../../shared/wire/generated/api/v1/beta1/Experiment.js';
import type { GetSuggestionsReply__Output } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsReply.js';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import { parseSearchSpace } from '../../shared/space/parse-search-space.js';
import type { SearchSpace } from '../../shared/space/search-space.js';
import type { ParameterSpec, ParameterSpec__Output } from '../../shared/wire/generated/api/v1/beta1/ParameterSpec.js';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';

/** Builders for the requests a Katib controller sends, in the shapes our client accepts. */

export type Condition = 'CREATED' | 'RUNNING' | 'SUCCEEDED' | 'KILLED' | 'FAILED' | 'METRICSUNAVAILABLE' | 'EARLYSTOPPED' | 'UNKNOWN';

export function doubleParameter(name: string, min: string, max: string, extra: { step?: string; distribution?: string } = {}): ParameterSpec {
  return { name, parameter_type: 'DOUBLE', feasible_space: { min, max, ...extra } as ParameterSpec['feasible_space'] };
}

export function intParameter(name: string, min: string, max: string, extra: { step?: string; distribution?: string } = {}): ParameterSpec {
  return { name, parameter_type: 'INT', feasible_space: { min, max, ...extra } as ParameterSpec['feasible_space'] };
}

export function discreteParameter(name: string, list: string[]): ParameterSpec {
  return { name, parameter_type: 'DISCRETE', feasible_space: { list } };
}

export function categoricalParameter(name: string, list: string[]): ParameterSpec {
  return { name, parameter_type: 'CATEGORICAL', feasible_space: { list } };
}

export interface ExperimentOptions {
  name?: string;
  algorithm: string;
  settings?: Record<string, string>;
  parameters: ParameterSpec[];
  objective?: 'MINIMIZE' | 'MAXIMIZE';
  metric?: string;
  maxTrialCount?: number;
  parallelTrialCount?: number;
}

export function experiment(options: ExperimentOptions): Experiment {
  return {
    name: options.name ?? 'test-experiment',
    spec: {
      parameter_specs: { parameters: options.parameters },
      objective: { type: options.objective ?? 'MINIMIZE', objective_metric_name: options.metric ?? 'loss' },
      algorithm: {
        algorithm_name: options.algorithm,
        algorithm_settings: Object.entries(options.settings ?? {}).map(([name, value]) => ({ name, value })),
      },
      max_trial_count: options.maxTrialCount ?? 0,
      parallel_trial_count: options.parallelTrialCount ?? 1,
    },
  };
}

/** A trial with these assignments; `value` becomes the objective metric's observation. */
export function trial(name: string, assignments: Record<string, string>, condition: Condition, value?: string, metric = 'loss'): Trial {
  return {
    name,
    spec: { parameter_assignments: { assignments: Object.entries(assignments).map(([n, v]) => ({ name: n, value: v })) } },
    status: {
      condition,
      ...(value === undefined ? {} : { observation: { metrics: [{ name: metric, value }] } }),
    },
  };
}

export function suggestionsRequest(experimentSpec: Experiment, trials: Trial[], count: number, totalRequestNumber = trials.length + count): GetSuggestionsRequest {
  return { experiment: experimentSpec, trials, current_request_number: count, total_request_number: totalRequestNumber };
}

/** A reply's assignments as name -> value records. */
export function assignmentsOf(reply: GetSuggestionsReply__Output): Record<string, string>[] {
  return reply.parameter_assignments.map((entry) => Object.fromEntries(entry.assignments.map((a) => [a.name, a.value])));
}

/** A trial's assignments as a name -> value record, the inverse of `trial`. */
export function assignmentOf(t: Trial): Record<string, string> {
  return Object.fromEntries((t.spec?.parameter_assignments?.assignments ?? []).map((a) => [a.name!, a.value!]));
}

/** Identity of an assignment record, independent of key order. */
export function assignmentKey(assignment: Record<string, string>): string {
  return JSON.stringify(Object.keys(assignment).sort().map((name) => [name, assignment[name]]));
}

/** Our builders fill only what a test names; the server's decoder fills the rest with proto defaults. */
function withDefaults(spec: ParameterSpec): ParameterSpec__Output {
  const space = spec.feasible_space ?? {};
  return {
    name: spec.name ?? '',
    parameter_type: (spec.parameter_type ?? 'UNKNOWN_TYPE') as ParameterSpec__Output['parameter_type'],
    feasible_space: { min: space.min ?? '', max: space.max ?? '', step: space.step ?? '', list: space.list ?? [], distribution: (space.distribution ?? 'DISTRIBUTION_UNSPECIFIED') as 'UNIFORM' },
  };
}

/** The search space the services parse from these parameters, as a request carries them. */
export function searchSpaceOf(...parameters: ParameterSpec[]): SearchSpace {
  return parseSearchSpace(parameters.map(withDefaults));
}
