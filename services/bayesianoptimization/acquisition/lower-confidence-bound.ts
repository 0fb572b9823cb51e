import type { PosteriorUtility, UtilitySlopes } from './posterior-utility.js';

/** The negated lower confidence bound -(mean - kappa sd): optimism in the face of uncertainty, kappa sds wide. */
export class NegatedLowerConfidenceBound implements PosteriorUtility {
  readonly name = 'LCB' as const;

  constructor(private readonly kappa: number) {}

  value(mean: number, sd: number): number {
    return -mean + this.kappa * sd;
  }

  valueAndSlopes(mean: number, sd: number, slopes: UtilitySlopes): number {
    slopes.mean = -1;
    slopes.sd = this.kappa;
    return -mean + this.kappa * sd;
  }
}
