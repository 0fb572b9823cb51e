import type { SuggestionAlgorithm } from '../../shared/algorithm/suggestion-algorithm.js';
import { integerSetting } from '../../shared/settings/settings-schema.js';

export const randomSearchSettings = {
  /**
   * Fixes the stream in any Experiment. Without it the stream follows the Experiment's name and its trials'
   * names, so an Experiment re-created under the same name repeats only its first batch (shared/random/seed.ts).
   */
  randomState: integerSetting(['random_state'], { min: 0 }, undefined),
};

/**
 * Random search: every parameter drawn from its declared distribution. Drawing through UsedPoints means a
 * finite space is sampled without repeats, across calls too, until it is exhausted.
 */
export const randomSearch: SuggestionAlgorithm<typeof randomSearchSettings> = {
  name: 'random',
  settings: randomSearchSettings,
  randomState: (settings) => settings.randomState,
  suggest({ count, rng, used }) {
    return Array.from({ length: count }, () => used.takeRandom(rng));
  },
};
