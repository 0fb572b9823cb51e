import type { EarlyStoppingRule__Output } from '../../shared/wire/generated/api/v1/beta1/EarlyStoppingRule.js';
import { parseObjectiveValue } from '../../shared/history/trial-history.js';

/** The objective, as the metrics collector is told it (its -m and -o-type flags). */
export interface CollectedObjective {
  metricName: string;
  type: 'minimize' | 'maximize';
}

/**
 * Where Katib's metrics collector stops a trial: the number of values the trial reported when the last of its
 * early-stopping rules was met (the training is killed right after that report), or undefined when it ran to
 * the end. Restates Katib v0.19.0's file metrics collector (cmd/metricscollector/v1beta1/file-metricscollector,
 * watchMetricsFile and updateStopRules), as test/katib/internal/collector does in Go:
 * - a report of the objective metric is replaced by the best value reported so far (lowest when minimising);
 * - a rule with a start step is compared once, at exactly that many reports of its metric (the count of steps
 *   left goes 1, 0, -1, ... and only 0 compares), and a rule without one at every report;
 * - a rule whose comparison holds (value LESS / GREATER than the rule's value, or EQUAL to it) is done, and the
 *   trial is stopped when every rule is done.
 * `reported` holds the objective's values in report order; rules on other metrics are never met.
 */
export function earlyStoppingStep(reported: readonly number[], rules: readonly EarlyStoppingRule__Output[], objective: CollectedObjective): number | undefined {
  if (rules.length === 0) return undefined;
  const remaining = [...rules];
  const stepsLeft = new Map<string, number>();
  for (const rule of rules) if (rule.start_step !== 0) stepsLeft.set(rule.name, rule.start_step);
  let best: number | undefined;
  for (let index = 0; index < reported.length; index++) {
    let value = reported[index]!;
    for (let i = 0; i < remaining.length; i++) {
      const rule = remaining[i]!;
      if (rule.name !== objective.metricName) continue;
      if (best === undefined || (objective.type === 'maximize' ? value > best : value < best)) best = value;
      value = best;
      const left = stepsLeft.get(rule.name);
      if (left !== undefined) {
        stepsLeft.set(rule.name, left - 1);
        if (left - 1 !== 0) continue;
      }
      if (ruleHolds(rule, value)) {
        remaining.splice(i, 1);
        i--;
      }
    }
    if (remaining.length === 0) return index + 1;
  }
  return undefined;
}

function ruleHolds(rule: EarlyStoppingRule__Output, value: number): boolean {
  // Katib's collector exits (klog.Fatalf) on a rule value that is no number: a service's fault, which ends the
  // simulated Experiment with this error.
  const limit = parseObjectiveValue(rule.value);
  if (limit === undefined) throw new Error(`early-stopping rule ${JSON.stringify(rule)}: value "${rule.value}" is not a number`);
  switch (rule.comparison) {
    case 'EQUAL':
      return value === limit;
    case 'LESS':
      return value < limit;
    case 'GREATER':
      return value > limit;
    default:
      return false;
  }
}
