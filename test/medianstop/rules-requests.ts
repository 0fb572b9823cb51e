import type { GetEarlyStoppingRulesRequest } from '../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesRequest.js';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';

export type Condition = 'CREATED' | 'RUNNING' | 'SUCCEEDED' | 'KILLED' | 'FAILED' | 'METRICSUNAVAILABLE' | 'EARLYSTOPPED';

/** A trial as the controller sends it to an early-stopping service. */
export function trial(name: string, condition: Condition, finalValue?: string, metric = 'loss'): Trial {
  return {
    name,
    spec: { parameter_assignments: { assignments: [{ name: 'lr', value: '0.01' }] } },
    status: {
      start_time: '2026-11-20T10:00:00Z',
      ...(condition === 'SUCCEEDED' ? { completion_time: '2026-11-20T11:00:00Z' } : {}),
      condition,
      ...(finalValue === undefined ? {} : { observation: { metrics: [{ name: metric, value: finalValue }] } }),
    },
  };
}

export interface RulesRequestOptions {
  trials: Trial[];
  dbManagerAddress: string;
  objective?: 'MINIMIZE' | 'MAXIMIZE';
  metric?: string;
  settings?: Record<string, string>;
  algorithmName?: string;
}

export function rulesRequest(options: RulesRequestOptions): GetEarlyStoppingRulesRequest {
  return {
    experiment: {
      name: 'median-test',
      spec: {
        parameter_specs: { parameters: [{ name: 'lr', parameter_type: 'DOUBLE', feasible_space: { min: '0.001', max: '0.1' } }] },
        objective: { type: options.objective ?? 'MINIMIZE', objective_metric_name: options.metric ?? 'loss' },
        algorithm: { algorithm_name: 'random' },
        early_stopping: {
          algorithm_name: options.algorithmName ?? 'medianstop',
          algorithm_settings: Object.entries(options.settings ?? {}).map(([name, value]) => ({ name, value })),
        },
        parallel_trial_count: 2,
        max_trial_count: 20,
      },
    },
    trials: options.trials,
    db_manager_address: options.dbManagerAddress,
  };
}
