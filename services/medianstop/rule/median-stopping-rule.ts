import type { Objective } from '../../../shared/history/objective.js';
import { formatDouble } from '../../../shared/space/numbers.js';
import type { EarlyStoppingRule } from '../../../shared/wire/messages.js';
import type { MedianStopSettings } from './medianstop-settings.js';
import { percentile } from '../../../shared/numeric/percentile.js';

/**
 * The median stopping rule (Golovin et al. 2017, "Google Vizier") in the form Katib's metrics collector applies:
 * a trial whose objective, after `startStep` reported values, is worse than the median of the succeeded trials'
 * early values is stopped. Worse means below the median when maximising, above it when minimising. With
 * `percentile` p, the rule's value is the p-th percentile counted from the best instead: a trial must be among
 * the best p percent to go on (50 is the median).
 *
 * `earlyValues` holds one value per succeeded trial that has one. Until `minTrialsRequired` trials have one,
 * there is too little evidence to stop anything, and there are no rules.
 */
export function medianStoppingRules(earlyValues: readonly number[], objective: Objective, settings: MedianStopSettings): EarlyStoppingRule[] {
  if (earlyValues.length < settings.minTrialsRequired) return [];
  const fromLowest = objective.direction === 'maximize' ? 100 - settings.percentile : settings.percentile;
  return [
    {
      name: objective.metricName,
      value: formatDouble(percentile(earlyValues, fromLowest)),
      comparison: objective.direction === 'maximize' ? 'LESS' : 'GREATER',
      start_step: settings.startStep,
    },
  ];
}
