import type { SuggestionAlgorithm } from '../../shared/algorithm/suggestion-algorithm.js';
import { integerSetting } from '../../shared/settings/settings-schema.js';
import type { Point } from '../../shared/space/search-space.js';
import { requireFiniteDimensions, requireTrialCountWithinGrid } from './grid-validation.js';
import { unusedIndices } from './unused-indices.js';

export const gridSearchSettings = {
  /**
   * Accepted so that Experiments written for the stock grid service still validate; unused, because the grid's
   * order is fixed and grid search draws no random numbers.
   */
  randomState: integerSetting(['random_state'], { min: 0 }, undefined),
};

/**
 * Grid search: the Cartesian product of every parameter's values, handed out in a fixed order.
 *
 * Order: SearchSpace's mixed-radix index, so the first parameter in the spec varies slowest and the last one
 * fastest; each parameter runs through its values in its own order (numbers ascending from min by step,
 * DISCRETE values ascending, CATEGORICAL values as listed). Distributions do not change the grid's points.
 *
 * Each call hands out the lowest indices that no trial in the request occupies, whatever the trial's state, past
 * the ones Katib's controller left out of the request: MetricsUnavailable trials, and early-stopped ones without
 * an observation, are missing from every request, but `handedOut` counts them. The grid hands out its lowest free
 * indices, so the lowest free indices are where those trials sit, and as many of them as are missing are passed
 * over; they come round again only when the rest of the grid is taken. The reply depends on the request alone,
 * so a restarted pod or a second replica continues the same grid.
 */
export const gridSearch: SuggestionAlgorithm<typeof gridSearchSettings> = {
  name: 'grid',
  settings: gridSearchSettings,
  randomState: () => undefined,
  validate(space) {
    requireFiniteDimensions(space);
  },
  validateBeforeStart(space, _settings, experiment) {
    requireTrialCountWithinGrid(space, experiment.maxTrialCount);
  },
  suggest({ space, history, count, handedOut, used }) {
    const trials = [...history.completed, ...history.pending, ...history.failed];
    // A trial index at or past 2^53 (only in a grid that large) is inexact, but stays far above every index
    // the walk below can reach, so it cannot hide a free combination.
    const trialIndices = trials.map((trial) => space.indexOf(trial.point));
    const omitted = handedOut - trials.length;
    const points: Point[] = [];
    const take = (index: number): void => {
      const point = space.pointAt(index);
      // `used` recognises trials by their assignment strings: a second check that agrees with the index set.
      if (used.add(point)) points.push(point);
    };
    for (const index of unusedIndices(trialIndices, space.size, omitted)) {
      if (points.length === count) break;
      take(index);
    }
    // Only the omitted trials' combinations are left: they come round again.
    let retaken = 0;
    for (const index of unusedIndices(trialIndices, space.size)) {
      if (points.length === count || retaken++ === omitted) break;
      take(index);
    }
    return points;
  },
};
