import { erfcx } from '../../../shared/numeric/erfcx.js';
import { logNormalCdf, logNormalPdf, normalPdf } from '../../../shared/numeric/normal.js';
import type { PosteriorUtility, UtilitySlopes } from './posterior-utility.js';

const SQRT_HALF_PI = Math.sqrt(Math.PI / 2);
/** Below this z, h(z) equals its asymptotic form phi(z) / z^2 to double precision. */
const ASYMPTOTIC_Z = -1 / Math.sqrt(Number.EPSILON);

/**
 * log h(z) for h(z) = z Phi(z) + phi(z), the expected improvement of a standard normal over -z.
 *
 * For z <= -1, h(z) = phi(z) (1 - sqrt(pi/2) |z| erfcx(|z| / sqrt 2)): both factors stay representable far out,
 * where the naive sum underflows to 0 and its log to -Infinity (Ament et al. 2023, "Unexpected improvements to
 * expected improvement for Bayesian optimization").
 */
export function logH(z: number): number {
  if (z > -1) return Math.log(z * Math.exp(logNormalCdf(z)) + normalPdf(z));
  if (z < ASYMPTOTIC_Z) return logNormalPdf(z) - 2 * Math.log(-z);
  const tail = SQRT_HALF_PI * -z * erfcx(-z * Math.SQRT1_2);
  return logNormalPdf(z) + Math.log1p(-tail);
}

/**
 * Log expected improvement below the best standardised loss seen, by at least `xi`:
 * log E[max(best - xi - f, 0)] = log sd + log h(z), z = (best - xi - mean) / sd. Its logarithm keeps the
 * gradient informative where EI itself is vanishingly small, and it ranks points exactly as EI does.
 */
export class LogExpectedImprovement implements PosteriorUtility {
  readonly name = 'EI' as const;

  constructor(
    private readonly best: number,
    private readonly xi: number,
  ) {}

  value(mean: number, sd: number): number {
    return Math.log(sd) + logH((this.best - this.xi - mean) / sd);
  }

  valueAndSlopes(mean: number, sd: number, slopes: UtilitySlopes): number {
    const z = (this.best - this.xi - mean) / sd;
    const logh = logH(z);
    // h'(z) = Phi(z), so d log h / dz = Phi(z) / h(z); dz/dmean = -1/sd, dz/dsd = -z/sd.
    const ratio = Math.exp(logNormalCdf(z) - logh);
    slopes.mean = -ratio / sd;
    slopes.sd = (1 - ratio * z) / sd;
    return Math.log(sd) + logh;
  }
}
