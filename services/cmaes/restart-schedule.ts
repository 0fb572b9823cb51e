import type { Rng } from '../../shared/random/rng.js';
import type { RestartStrategy } from './cmaes-settings.js';

/** What one CMA-ES run (the first, or one after a restart) starts with. */
export interface RunPlan {
  lambda: number;
  sigma: number;
  regime: 'large' | 'small';
}

/**
 * The population and step size of each run. IPOP (Auger and Hansen 2005) doubles the population at every
 * restart. BIPOP (Hansen 2009) alternates two regimes, each run going to the one that has spent fewer
 * evaluations so far: large populations, doubling at every large run, and small ones, lambda_s =
 * floor(lambda_def (lambda_large / (2 lambda_def))^(U^2)) with sigma_s = sigma_def 10^(-2U), U uniform in [0, 1].
 */
export class RestartSchedule {
  private largeRuns = 0;
  private largeEvaluations = 0;
  private smallEvaluations = 0;

  constructor(
    readonly strategy: RestartStrategy,
    private readonly baseLambda: number,
    private readonly baseSigma: number,
  ) {}

  first(): RunPlan {
    this.largeRuns = 1;
    return { lambda: this.baseLambda, sigma: this.baseSigma, regime: 'large' };
  }

  /** The next run's plan, once `finished` ran for `evaluations` assignments; `rng` is the restart's own. */
  next(finished: RunPlan, evaluations: number, rng: Rng): RunPlan {
    if (finished.regime === 'large') this.largeEvaluations += evaluations;
    else this.smallEvaluations += evaluations;
    const nextLarge = this.baseLambda * 2 ** this.largeRuns;
    if (this.strategy === 'bipop' && this.smallEvaluations < this.largeEvaluations) {
      const u = rng.uniform();
      const lambda = Math.max(2, Math.floor(this.baseLambda * (nextLarge / (2 * this.baseLambda)) ** (u * u)));
      return { lambda, sigma: this.baseSigma * 10 ** (-2 * u), regime: 'small' };
    }
    this.largeRuns++;
    return { lambda: nextLarge, sigma: this.baseSigma, regime: 'large' };
  }
}
