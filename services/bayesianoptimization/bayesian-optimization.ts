import type { SuggestionAlgorithm } from '../../shared/algorithm/suggestion-algorithm.js';
import type { Point } from '../../shared/space/search-space.js';
import { GpProposer } from './gp-proposer.js';
import { SobolDesign } from '../../shared/design/sobol-design.js';
import { bayesianOptimizationSettings } from './settings.js';

/** The GP needs at least this many completed trials; before that, points come from the initial design. */
const MIN_TRIALS_FOR_MODEL = 2;
/**
 * The GP chooses at most this many points of one batch; the rest continue the space-filling design. Each model
 * point costs a polish and a fantasy, O(n^2) each, so a batch of hundreds would outlast Katib's 60 s deadline,
 * while the first few dozen points of a wide batch already carry what the model knows.
 */
const MODEL_POINTS_PER_CALL = 32;
/** Names the initial design's Sobol sequence (its scramble), as it always has: replies stay what they were. */
const INITIAL_DESIGN_PURPOSE = 'bayesianoptimization initial design';

/**
 * Gaussian-process Bayesian optimisation.
 *
 * The first `n_initial_points` assignments follow a scrambled Sobol design. After that, each call fits a GP
 * (Matern 5/2, one length scale per parameter, output scale and noise, all fitted by maximum a posteriori) to the
 * completed trials' losses, fantasises the pending ones, and proposes the batch one point at a time, each point
 * the maximiser of the acquisition (`acq_func`) among values no trial holds yet; past MODEL_POINTS_PER_CALL, a
 * wide batch continues with design points. Failed trials are left out of the model; UsedPoints keeps their points
 * from being proposed again. Everything is rebuilt from the request.
 */
export const bayesianOptimization: SuggestionAlgorithm<typeof bayesianOptimizationSettings> = {
  name: 'bayesianoptimization',
  settings: bayesianOptimizationSettings,
  randomState: (settings) => settings.randomState,
  suggest({ space, history, count, handedOut, rng, settings, experiment, used }) {
    const design = new SobolDesign(space, INITIAL_DESIGN_PURPOSE, experiment.name, settings.randomState);
    const points: Point[] = [];
    let proposer: GpProposer | undefined;
    for (let slot = 0; slot < count; slot++) {
      // Indexed by the assignments handed out, not the trials shown: Katib omits MetricsUnavailable trials from
      // requests, and counting only the trials shown would hand out an omitted trial's design point again.
      const trialIndex = handedOut + slot;
      if (trialIndex < settings.initialPoints || history.completed.length < MIN_TRIALS_FOR_MODEL || slot >= MODEL_POINTS_PER_CALL) {
        points.push(design.take(trialIndex, used, rng));
        continue;
      }
      proposer ??= new GpProposer(space, history, points, Math.min(count, MODEL_POINTS_PER_CALL) - slot, settings, rng.fork());
      points.push(proposer.propose(used, rng));
    }
    return points;
  },
};
