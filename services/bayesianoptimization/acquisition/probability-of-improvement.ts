import { logNormalCdf, logNormalPdf } from '../../../shared/numeric/normal.js';
import type { PosteriorUtility, UtilitySlopes } from './posterior-utility.js';

/**
 * Log probability that the loss falls below the best standardised loss seen by at least `xi`:
 * log Phi(z), z = (best - xi - mean) / sd. The logarithm ranks as PI does and stays finite far in the tail.
 */
export class LogProbabilityOfImprovement implements PosteriorUtility {
  readonly name = 'PI' as const;

  constructor(
    private readonly best: number,
    private readonly xi: number,
  ) {}

  value(mean: number, sd: number): number {
    return logNormalCdf((this.best - this.xi - mean) / sd);
  }

  valueAndSlopes(mean: number, sd: number, slopes: UtilitySlopes): number {
    const z = (this.best - this.xi - mean) / sd;
    const logCdf = logNormalCdf(z);
    const ratio = Math.exp(logNormalPdf(z) - logCdf);
    slopes.mean = -ratio / sd;
    slopes.sd = (-ratio * z) / sd;
    return logCdf;
  }
}
