import type { UsedPoints } from '../../shared/algorithm/used-points.js';
import type { TrialHistory } from '../../shared/history/trial-history.js';
import type { Rng } from '../../shared/random/rng.js';
import type { Point, SearchSpace } from '../../shared/space/search-space.js';
import { AcquisitionFunction, utilityFor } from './acquisition/acquisition-function.js';
import { drawUtilityName, hedgeProbabilities } from './acquisition/gp-hedge.js';
import type { UtilityName } from './acquisition/posterior-utility.js';
import { CachedPosterior } from './model/cached-posterior.js';
import { fitGaussianProcess, type FittedGaussianProcess } from './model/fit-gaussian-process.js';
import { KernelInputs } from './model/kernel-inputs.js';
import { observationSubset } from './model/observation-subset.js';
import { concatenate, enumeratedCandidates, localCandidates, sobolCandidates, type CandidateSet } from './optimizer/candidates.js';
import { maximiseAcquisition } from './optimizer/maximise-acquisition.js';
import type { BayesianOptimizationSettings } from './settings.js';

/**
 * The model's size bounds a call's cost: conditioning is O(n^3) and every score O(n^2), so past these many
 * completed trials the GP sees a subset (the best quarter and a random rest), and past these many pending ones
 * a random choice of them is fantasised. At the limits a call still answers well inside Katib's 60 s deadline;
 * the trials left out stay in UsedPoints, so they are never proposed again.
 */
const MODELLED_COMPLETED_LIMIT = 1000;
const FANTASISED_PENDING_LIMIT = 128;
/** Finite spaces up to this size are searched exhaustively instead of by candidates and local search. */
const EXHAUSTIVE_SPACE_SIZE = 4096;
/**
 * Scoring a candidate costs O(n^2); the Sobol cover shrinks from 1024 towards 256 points (powers of two, which
 * Sobol fills evenly) so that candidates times n^2 stays near this budget.
 */
const COVER_WORK = 1 << 22;
const MAX_COVER = 1024;
const MIN_COVER = 256;
/** The gp_hedge replay nominates among this many points of the cover: it runs every acquisition at every past round. */
const HEDGE_POINTS = 256;
const LOCAL_CENTRES = 3;
const LOCAL_SPREAD = 0.05;
/**
 * How many of the best candidates local search polishes. Each of its steps costs two triangular solves, O(n^2),
 * so long histories polish fewer: at 500 trials the polish would otherwise be most of a call's time.
 */
function refinedStarts(n: number): number {
  return n <= 150 ? 5 : n <= 300 ? 3 : 2;
}

/**
 * The model-based half of the algorithm: a GP fitted to the completed trials, then, for each point of the batch,
 * the acquisition's best point that no trial holds, after which that point joins the pending trials as a fantasy.
 *
 * Pending trials (and points already chosen in this batch) are fantasised at the posterior mean or the best loss,
 * whichever is worse: the variance around them collapses and no improvement is expected there, so EI, PI and
 * LCB all lose interest and the next point of the batch goes elsewhere.
 */
export class GpProposer {
  private readonly mapping: KernelInputs;
  private readonly fitted: FittedGaussianProcess;
  private readonly bestLoss: number;
  private readonly incumbents: Point[];
  private readonly exhaustive: boolean;
  private readonly cover: CachedPosterior;
  private readonly portfolio: Float64Array | undefined;
  private readonly observations: number;

  constructor(
    space: SearchSpace,
    history: TrialHistory,
    /** Points to fantasise besides the pending trials: those this batch already took. */
    alsoPending: readonly Point[],
    remaining: number,
    private readonly settings: BayesianOptimizationSettings,
    rng: Rng,
  ) {
    this.mapping = new KernelInputs(space);
    // Both draw from rng only past their limits, so shorter histories keep the random stream they always had.
    const completed = observationSubset(
      history.completed.map((trial) => trial.loss),
      MODELLED_COMPLETED_LIMIT,
      rng,
    ).map((index) => history.completed[index]!);
    this.observations = completed.length;
    const pendingTrials =
      history.pending.length > FANTASISED_PENDING_LIMIT
        ? rng.shuffle([...history.pending]).slice(0, FANTASISED_PENDING_LIMIT)
        : history.pending;
    const pending = [...pendingTrials.map((trial) => trial.point), ...alsoPending];
    const capacity = completed.length + pending.length + remaining;
    this.fitted = fitGaussianProcess(
      this.mapping,
      completed.map((trial) => trial.point),
      completed.map((trial) => trial.loss),
      rng.fork(),
      capacity - completed.length,
    );
    const gp = this.fitted.gp;
    const losses = this.fitted.targets;
    this.bestLoss = Math.min(...losses);
    this.incumbents = completed
      .map((trial, i) => ({ point: trial.point, loss: losses[i]! }))
      .sort((a, b) => a.loss - b.loss)
      .slice(0, LOCAL_CENTRES)
      .map((entry) => entry.point);

    this.exhaustive = space.isFinite && space.size <= EXHAUSTIVE_SPACE_SIZE;
    const coverSet = this.exhaustive
      ? enumeratedCandidates(Array.from({ length: space.size }, (_, index) => space.pointAt(index)), this.mapping.dimensionCount)
      : sobolCandidates(this.mapping, coverSize(completed.length), rng.fork());
    this.cover = new CachedPosterior(gp, coverSet.points, coverSet.count, capacity);

    if (settings.acquisition === 'gp_hedge') {
      // The cover's first points are an even Sobol set; an enumerated cover is sampled instead of taken in order.
      const indices = Array.from({ length: coverSet.count }, (_, c) => c);
      const replayed = (this.exhaustive ? rng.fork().shuffle(indices) : indices).slice(0, HEDGE_POINTS);
      const firstRound = Math.max(2, settings.initialPoints);
      this.portfolio = hedgeProbabilities(this.cover, replayed, gp.whitenedTargets, gp.priorVariance, losses, firstRound);
    }
    for (const point of pending) this.fantasise(point);
  }

  /** The next point of the batch, marked used and fantasised. */
  propose(used: UsedPoints, rng: Rng): Point {
    const gp = this.fitted.gp;
    const d = this.mapping.dimensionCount;
    const name: UtilityName = this.portfolio === undefined ? (this.settings.acquisition as UtilityName) : drawUtilityName(this.portfolio, rng);
    const acquisition = new AcquisitionFunction(gp, utilityFor(name, this.bestLoss));
    const coverValues = acquisition.valuesOfPosterior(this.cover.mean, this.cover.variance, this.cover.count);
    let candidates: CandidateSet = { points: this.cover.points, count: this.cover.count };
    let values = coverValues;
    if (!this.exhaustive) {
      const local = localCandidates(this.mapping, this.incumbents, this.cover.count / 16, LOCAL_SPREAD, rng);
      candidates = concatenate([candidates, local], d);
      values = new Float64Array(candidates.count);
      values.set(coverValues);
      values.set(acquisition.values(local.points, local.count), coverValues.length);
    }
    const ranked = maximiseAcquisition(acquisition, this.mapping, candidates, values, {
      refine: !this.exhaustive && this.settings.acquisitionOptimizer !== 'sampling',
      starts: refinedStarts(this.observations),
    });
    for (const { point } of ranked) {
      const chosen = Array.from(point);
      if (used.add(chosen)) {
        this.fantasise(chosen);
        return chosen;
      }
    }
    const fallback = used.takeRandom(rng);
    this.fantasise(fallback);
    return fallback;
  }

  /**
   * Conditions the model on a pending point as if it had returned its posterior mean ("kriging believer"), but
   * never better than the best loss so far: a fantasy that promised an improvement would leave EI high right
   * beside it, and the batch would pile up there.
   */
  private fantasise(point: Point): void {
    const gp = this.fitted.gp;
    this.cover.update(gp.append(point, (mean) => Math.max(mean, this.bestLoss)));
  }
}

/** The largest power of two in [MIN_COVER, MAX_COVER] whose scoring stays within COVER_WORK at n observations. */
function coverSize(n: number): number {
  let size = MAX_COVER;
  while (size > MIN_COVER && size * n * n > COVER_WORK) size /= 2;
  return size;
}
