import { invalidRequest, quote } from '../../../shared/errors/service-error.js';
import { choiceSetting, integerSetting, numberSetting, parseSettings, type ParsedSettings } from '../../../shared/settings/settings-schema.js';
import type { EarlyStoppingSpec__Output as EarlyStoppingSpec } from '../../../shared/wire/generated/api/v1/beta1/EarlyStoppingSpec.js';

export const MEDIANSTOP_ALGORITHM_NAME = 'medianstop';

/** What each succeeded trial's first `start_step` values amount to: their mean, or the best of them. */
export const EARLY_VALUES = ['average', 'best'] as const;
export type EarlyValueKind = (typeof EARLY_VALUES)[number];

/**
 * The settings users write under `spec.earlyStopping.algorithmSettings`: the stock service's two, with its names
 * and defaults, and two of ours whose defaults keep the stock rule (the median of the running averages).
 */
export const medianStopSchema = {
  /** Succeeded trials needed before any trial is stopped. */
  minTrialsRequired: integerSetting(['min_trials_required'], { min: 1 }, 3),
  /** Reported values a trial gets before it is compared; also how many values each succeeded trial's early value covers. */
  startStep: integerSetting(['start_step'], { min: 1 }, 4),
  /**
   * A succeeded trial's early value: the running average of its first start_step values (Vizier's rule, and the
   * stock service's), or the best of them, the very quantity Katib's metrics collector compares with the rule
   * (a running trial's best value so far, at its start_step-th report).
   */
  earlyValue: choiceSetting(['early_value'], EARLY_VALUES, 'average'),
  /**
   * A running trial goes on only while it is among the best `percentile` percent of the succeeded trials' early
   * values: the rule's value is that percentile of them, counted from the best. 50 is the median.
   */
  percentile: numberSetting(['percentile'], { above: 0, below: 100 }, 50),
};

export type MedianStopSettings = ParsedSettings<typeof medianStopSchema>;

/** Reads an early-stopping spec meant for this service; anything else is INVALID_ARGUMENT naming what is wrong. */
export function parseMedianStopSettings(spec: EarlyStoppingSpec | null | undefined, field: string): MedianStopSettings {
  if (!spec) throw invalidRequest(`${field} is missing; expected an early-stopping spec with algorithm_name ${quote(MEDIANSTOP_ALGORITHM_NAME)}`);
  if (spec.algorithm_name !== MEDIANSTOP_ALGORITHM_NAME) {
    throw invalidRequest(
      `${field}.algorithm_name ${quote(spec.algorithm_name)} is not served here; this service implements ${quote(MEDIANSTOP_ALGORITHM_NAME)}`,
    );
  }
  return parseSettings(medianStopSchema, spec.algorithm_settings ?? [], `early stopping ${MEDIANSTOP_ALGORITHM_NAME}`);
}
