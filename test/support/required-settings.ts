/**
 * Settings without which an algorithm refuses every Experiment, for the suites that run every algorithm of the
 * catalogue on spaces of their own: hyperband needs `resource_name`, the INT or DOUBLE parameter that is each
 * trial's budget, and `r_l`, the largest budget. The others need none.
 */
export function requiredSettings(algorithm: string, budget: { parameter: string; largest: string }): Record<string, string> {
  return algorithm === 'hyperband' ? { resource_name: budget.parameter, r_l: budget.largest } : {};
}
