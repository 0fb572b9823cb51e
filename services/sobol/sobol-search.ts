import type { SuggestionAlgorithm } from '../../shared/algorithm/suggestion-algorithm.js';
import { SobolDesign } from '../../shared/design/sobol-design.js';
import { integerSetting } from '../../shared/settings/settings-schema.js';

export const sobolSearchSettings = {
  randomState: integerSetting(['random_state'], { min: 0 }, undefined),
};

/** Names the sequence, so that an experiment's sobol points are not its bayesianoptimization design's. */
const SEQUENCE_PURPOSE = 'sobol';

/**
 * Quasi-random search: the i-th assignment handed out in the experiment is point i of one scrambled Sobol
 * sequence (seeded by random_state, else the experiment's name), mapped through each parameter's distribution.
 * It learns nothing from the results; it covers the space more evenly than independent draws.
 */
export const sobolSearch: SuggestionAlgorithm<typeof sobolSearchSettings> = {
  name: 'sobol',
  settings: sobolSearchSettings,
  randomState: (settings) => settings.randomState,
  suggest({ space, count, handedOut, rng, settings, experiment, used }) {
    const design = new SobolDesign(space, SEQUENCE_PURPOSE, experiment.name, settings.randomState);
    return Array.from({ length: count }, (_, slot) => design.take(handedOut + slot, used, rng));
  },
};
