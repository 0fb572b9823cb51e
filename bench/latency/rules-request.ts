import type { GetEarlyStoppingRulesRequest } from '../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesRequest.js';
import { katibTime, logTime } from '../controller/katib-messages.js';
import type { ReportedValue } from '../katib/observation-log-writer.js';
import { EARLY_STOPPING_ALGORITHM, type EarlyStoppingTarget } from '../targets/early-stopping-target.js';

/** The objective metric of the timed requests. */
export const LOG_METRIC = 'loss';

/** Seconds between two reports of a trial, and between two trials' starts. */
const REPORT_SECONDS = 10;

/**
 * `count` trials' logs of `length` values each, named `rules-latency-<prefix>-<i>`: a loss falling from 2 towards a
 * floor of its own, one report every ten seconds.
 */
export function rulesLatencyLogs(prefix: string, count: number, length: number): { name: string; values: ReportedValue[] }[] {
  return Array.from({ length: count }, (_, trial) => {
    const floor = 0.2 + (trial % 17) / 40;
    return {
      name: `rules-latency-${prefix}-${trial}`,
      values: Array.from({ length }, (_, step) => ({
        timeStamp: logTime(trial * REPORT_SECONDS + (step + 1) * REPORT_SECONDS),
        metricName: LOG_METRIC,
        value: String(floor + (2 - floor) * Math.exp(-0.1 * (step + 1))),
      })),
    };
  });
}

/** GetEarlyStoppingRules for an Experiment whose trials `names` have all succeeded, as Katib's controller sends it. */
export function rulesLatencyRequest(target: EarlyStoppingTarget, names: readonly string[], dbManagerAddress: string): GetEarlyStoppingRulesRequest {
  const objective = { type: 'MINIMIZE' as const, objective_metric_name: LOG_METRIC, additional_metric_names: [] };
  return {
    experiment: {
      name: 'rules-latency',
      spec: {
        parameter_specs: { parameters: [{ name: 'lr', parameter_type: 'DOUBLE', feasible_space: { min: '0.001', max: '0.1' } }] },
        objective,
        algorithm: { algorithm_name: 'random', algorithm_settings: [] },
        early_stopping: { algorithm_name: EARLY_STOPPING_ALGORITHM, algorithm_settings: target.settings },
        parallel_trial_count: 3,
        max_trial_count: names.length + 3,
      },
    },
    trials: names.map((name, index) => ({
      name,
      spec: { objective, parameter_assignments: { assignments: [{ name: 'lr', value: String(0.001 + index / 1e4) }] }, labels: {} },
      status: {
        start_time: katibTime(index * REPORT_SECONDS),
        completion_time: katibTime(index * REPORT_SECONDS + 100_000),
        condition: 'SUCCEEDED',
        observation: { metrics: [{ name: LOG_METRIC, value: '0.5' }] },
      },
    })),
    db_manager_address: dbManagerAddress,
  };
}
