import type { SuggestionAlgorithm } from '../../shared/algorithm/suggestion-algorithm.js';
import { suggestByTpe } from './tpe-sampler.js';
import { tpeSettings } from './tpe-settings.js';

/** `tpe`: independent (univariate) Parzen estimators per parameter, as hyperopt and optuna's classic TPE. */
export const tpe: SuggestionAlgorithm<typeof tpeSettings> = {
  name: 'tpe',
  settings: tpeSettings,
  randomState: (settings) => settings.randomState,
  suggest: (context) => suggestByTpe(context, false),
};

/** `multivariate-tpe`: joint kernels over all parameters, which capture how parameters interact. */
export const multivariateTpe: SuggestionAlgorithm<typeof tpeSettings> = {
  name: 'multivariate-tpe',
  settings: tpeSettings,
  randomState: (settings) => settings.randomState,
  suggest: (context) => suggestByTpe(context, true),
};
