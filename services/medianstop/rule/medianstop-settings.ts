import { invalidArgument, quote } from '../../../shared/errors/service-error.js';
import { integerSetting, parseSettings, type ParsedSettings } from '../../../shared/settings/settings-schema.js';
import type { EarlyStoppingSpec__Output as EarlyStoppingSpec } from '../../../shared/wire/generated/api/v1/beta1/EarlyStoppingSpec.js';

export const MEDIANSTOP_ALGORITHM_NAME = 'medianstop';

/** The settings users write under `spec.earlyStopping.algorithmSettings`, with the stock service's names and defaults. */
export const medianStopSchema = {
  /** Succeeded trials needed before any trial is stopped. */
  minTrialsRequired: integerSetting(['min_trials_required'], { min: 1 }, 3),
  /** Reported values a trial gets before it is compared; also how many values each succeeded trial's average covers. */
  startStep: integerSetting(['start_step'], { min: 1 }, 4),
};

export type MedianStopSettings = ParsedSettings<typeof medianStopSchema>;

/** Reads an early-stopping spec meant for this service; anything else is INVALID_ARGUMENT naming what is wrong. */
export function parseMedianStopSettings(spec: EarlyStoppingSpec | null | undefined, field: string): MedianStopSettings {
  if (!spec) throw invalidArgument(`${field} is missing; expected an early-stopping spec with algorithm_name ${quote(MEDIANSTOP_ALGORITHM_NAME)}`);
  if (spec.algorithm_name !== MEDIANSTOP_ALGORITHM_NAME) {
    throw invalidArgument(
      `${field}.algorithm_name ${quote(spec.algorithm_name)} is not served here; this service implements ${quote(MEDIANSTOP_ALGORITHM_NAME)}`,
    );
  }
  return parseSettings(medianStopSchema, spec.algorithm_settings ?? [], `early stopping ${MEDIANSTOP_ALGORITHM_NAME}`);
}
