import type { Objective } from '../../../shared/history/objective.js';
import { formatDouble } from '../../../shared/space/numbers.js';
import type { EarlyStoppingRule } from '../../../shared/wire/messages.js';
import type { MedianStopSettings } from './medianstop-settings.js';
import { median } from '../../../shared/numeric/percentile.js';

/**
 * The median stopping rule (Golovin et al. 2017, "Google Vizier") in the form Katib's metrics collector applies:
 * a trial whose objective, after `startStep` reported values, is worse than the median of the succeeded trials'
 * early averages is stopped. Worse means below the median when maximising, above it when minimising.
 *
 * `earlyAverages` holds one average per succeeded trial that has one. Until `minTrialsRequired` trials have one,
 * there is too little evidence to stop anything, and there are no rules.
 */
export function medianStoppingRules(earlyAverages: readonly number[], objective: Objective, settings: MedianStopSettings): EarlyStoppingRule[] {
  if (earlyAverages.length < settings.minTrialsRequired) return [];
  return [
    {
      name: objective.metricName,
      value: formatDouble(median(earlyAverages)),
      comparison: objective.direction === 'maximize' ? 'LESS' : 'GREATER',
      start_step: settings.startStep,
    },
  ];
}
