import type { Rng } from '../../../shared/random/rng.js';
import { minimiseInBox } from '../../../shared/numeric/bounded-quasi-newton.js';
import { GaussianProcess } from './gaussian-process.js';
import { warpLosses } from './gp-targets.js';
import { HyperparameterPrior, type Hyperparameters } from './hyperparameter-prior.js';
import type { KernelInputs } from './kernel-inputs.js';
import { MarginalLikelihood } from './marginal-likelihood.js';
import { observationSubset } from './observation-subset.js';

/** Fitting the hyperparameters costs O(n^3) per step; past this many observations it uses a subset. */
const FIT_SUBSET_SIZE = 64;
/** Start points screened by their value alone (a factorisation each, no gradient). */
const SCREENED_STARTS = 8;
/** How many of the best screened starts are optimised: two while the data are few and the fit cheap. */
const OPTIMISED_STARTS_SMALL = 2;
const OPTIMISED_STARTS_LARGE = 1;
const SMALL_DATA = 40;
const FIT_OPTIONS = { maxIterations: 50, gradientTolerance: 1e-3, relativeTolerance: 1e-6 };

export interface FittedGaussianProcess {
  gp: GaussianProcess;
  hyperparameters: Hyperparameters;
  /** The transformed losses the GP is conditioned on, in the order given. */
  targets: Float64Array;
}

/**
 * The maximum a posteriori hyperparameters for standardised `targets` at encoded `points`: the log marginal
 * likelihood plus the log prior, maximised by the bounded quasi-Newton method. Starts: the prior's centre and
 * draws from the prior are screened by their value, and the best one or two are optimised, keeping the best result.
 */
export function fitHyperparameters(
  mapping: KernelInputs,
  points: readonly ArrayLike<number>[],
  targets: Float64Array,
  rng: Rng,
): Hyperparameters {
  const prior = new HyperparameterPrior(mapping.dimensionCount);
  const subset = observationSubset(targets, FIT_SUBSET_SIZE, rng);
  const d = mapping.dimensionCount;
  const inputs = new Float64Array(subset.length * d);
  subset.forEach((index, row) => mapping.map(points[index]!, 0, inputs, row * d));
  const likelihood = new MarginalLikelihood(inputs, Float64Array.from(subset, (index) => targets[index]!), mapping.categorical);
  const problem = {
    lower: prior.lower,
    upper: prior.upper,
    evaluate(theta: Float64Array, gradient: Float64Array): number {
      const value = likelihood.evaluate(theta, gradient);
      if (!Number.isFinite(value)) return Infinity;
      const posterior = value + prior.logDensity(theta, gradient);
      for (let i = 0; i < gradient.length; i++) gradient[i] = -gradient[i]!;
      return -posterior;
    },
  };
  const scratch = new Float64Array(prior.size);
  const starts = Array.from({ length: SCREENED_STARTS }, (_, i) => (i === 0 ? prior.mean : prior.sample(rng)))
    .map((theta) => ({ theta, value: likelihood.evaluate(theta) + prior.logDensity(theta, scratch) }))
    .filter((start) => Number.isFinite(start.value))
    .sort((a, b) => b.value - a.value)
    .slice(0, subset.length <= SMALL_DATA ? OPTIMISED_STARTS_SMALL : OPTIMISED_STARTS_LARGE);
  let best: Float64Array = prior.mean;
  let bestValue = Infinity;
  for (const start of starts) {
    const result = minimiseInBox(problem, start.theta, FIT_OPTIONS);
    if (result.value < bestValue) {
      best = result.x;
      bestValue = result.value;
    }
  }
  return prior.decode(best);
}

/**
 * Turns the losses into GP targets (gp-targets.ts), fits the hyperparameters and conditions a GP on every
 * observation, with room for `extraCapacity` fantasised ones.
 */
export function fitGaussianProcess(
  mapping: KernelInputs,
  points: readonly ArrayLike<number>[],
  losses: readonly number[],
  rng: Rng,
  extraCapacity: number,
): FittedGaussianProcess {
  const targets = warpLosses(losses);
  const hyperparameters = fitHyperparameters(mapping, points, targets, rng);
  const gp = new GaussianProcess(mapping, points, targets, hyperparameters, points.length + extraCapacity);
  return { gp, hyperparameters, targets };
}
