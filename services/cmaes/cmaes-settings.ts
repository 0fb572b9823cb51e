import type { ParsedSettings } from '../../shared/settings/settings-schema.js';
import { choiceSetting, integerSetting, numberSetting } from '../../shared/settings/settings-schema.js';

/**
 * The initial step size when `sigma` is not set: a sixth of every parameter's range, which is what the stock
 * service's default (the narrowest range over six) means for its narrowest parameter. In our space every
 * parameter's range is 1, so it means that for every parameter.
 */
export const DEFAULT_SIGMA = 1 / 6;

/** The stock (goptuna) cmaes settings, by their stock names. */
export const cmaesSettings = {
  randomState: integerSetting(['random_state'], { min: 0 }, undefined),
  /** Initial step size in the normalised space, where every parameter's range (of its logarithm when log-scaled) is 1. */
  sigma: numberSetting(['sigma'], { above: 0 }, DEFAULT_SIGMA),
  restartStrategy: choiceSetting(['restart_strategy'], ['none', 'ipop', 'bipop'] as const, 'none'),
};

export type CmaesSettings = ParsedSettings<typeof cmaesSettings>;
export type RestartStrategy = CmaesSettings['restartStrategy'];
