import type { ParsedSettings } from '../../shared/settings/settings-schema.js';
import { integerSetting, numberSetting } from '../../shared/settings/settings-schema.js';

/** More candidates than this would make one call with a long history take seconds without improving the choice. */
const MAX_CANDIDATES = 10_000;

/**
 * The settings of both TPE algorithms. Katib's two stock TPE backends spell them differently (hyperopt:
 * gamma, prior_weight, n_EI_candidates, random_state; optuna: n_startup_trials, n_ei_candidates, seed), and
 * Experiments in use carry either set, so both spellings are accepted.
 */
export const tpeSettings = {
  gamma: numberSetting(['gamma'], { above: 0, below: 1 }, undefined),
  priorWeight: numberSetting(['prior_weight'], { above: 0 }, 1),
  candidateCount: integerSetting(['n_ei_candidates', 'n_EI_candidates'], { min: 1, max: MAX_CANDIDATES }, 24),
  startupTrials: integerSetting(['n_startup_trials'], { min: 0 }, 10),
  randomState: integerSetting(['random_state', 'seed'], { min: 0 }, undefined),
};

export type TpeSettings = ParsedSettings<typeof tpeSettings>;
