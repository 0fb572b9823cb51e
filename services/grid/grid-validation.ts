import { invalidRequest, quote } from '../../shared/errors/service-error.js';
import type { SearchSpace } from '../../shared/space/search-space.js';

/**
 * Every parameter must have finitely many values: a DOUBLE is continuous unless it has a step (or min == max),
 * and a grid cannot enumerate a continuous range.
 */
export function requireFiniteDimensions(space: SearchSpace): void {
  for (const dimension of space.dimensions) {
    if (!dimension.isLattice) {
      throw invalidRequest(
        `parameter ${quote(dimension.name)}: a DOUBLE without feasible_space.step has infinitely many values; ` +
          'a grid needs a step (for example step "0.01"), or min equal to max for a single value',
      );
    }
  }
}

/**
 * An Experiment asking for more trials than the grid has combinations could never reach its trial count.
 * `maxTrialCount` 0 means no limit.
 */
export function requireTrialCountWithinGrid(space: SearchSpace, maxTrialCount: number): void {
  if (maxTrialCount > space.size) {
    const factors = space.dimensions.map((dimension) => `${dimension.name} ${dimension.size}`).join(' x ');
    throw invalidRequest(
      `experiment.spec.max_trial_count ${maxTrialCount} is larger than the grid, which has ${space.size} combinations ` +
        `(${factors}); expected max_trial_count of at most ${space.size}`,
    );
  }
}
