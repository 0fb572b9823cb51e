/**
 * A Yeo-Johnson power transform of standardised losses, with the exponent chosen by maximum likelihood
 * (Yeo and Johnson 2000), as HEBO does (Cowen-Rivers et al. 2022, "HEBO: pushing the limits of
 * sample-efficient hyperparameter optimisation").
 *
 * Losses of real objectives are often heavily skewed: a valley floor near 0 and a few points in the hundreds of
 * thousands (Rosenbrock), or divergent training runs. A GP on such values spends its length scales and noise
 * explaining the outliers and models the floor, where the optimum is, as flat. The transform is monotone, so it
 * keeps the order of the losses, and only reshapes their spacing towards a normal distribution; on data that
 * are already near normal it is close to the identity.
 */

const LAMBDA_LOW = -2;
const LAMBDA_HIGH = 2;
const GOLDEN = (Math.sqrt(5) - 1) / 2;
const SEARCH_STEPS = 40;

export function yeoJohnson(x: number, lambda: number): number {
  if (x >= 0) return Math.abs(lambda) < 1e-12 ? Math.log1p(x) : (Math.pow(x + 1, lambda) - 1) / lambda;
  const mirrored = 2 - lambda;
  return Math.abs(mirrored) < 1e-12 ? -Math.log1p(-x) : -(Math.pow(1 - x, mirrored) - 1) / mirrored;
}

/** The profile log-likelihood of lambda: a normal fitted to the transformed values, plus the transform's log-Jacobian. */
export function yeoJohnsonLogLikelihood(values: ArrayLike<number>, lambda: number): number {
  const n = values.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += yeoJohnson(values[i]!, lambda) / n;
  let squares = 0;
  let jacobian = 0;
  for (let i = 0; i < n; i++) {
    const x = values[i]!;
    squares += (yeoJohnson(x, lambda) - mean) ** 2;
    jacobian += Math.sign(x) * Math.log1p(Math.abs(x));
  }
  const variance = squares / n;
  if (!(variance > 0)) return -Infinity;
  return -0.5 * n * Math.log(variance) + (lambda - 1) * jacobian;
}

/** The maximum-likelihood exponent in [-2, 2], by golden-section search (the likelihood is unimodal in practice). */
export function fitYeoJohnsonLambda(values: ArrayLike<number>): number {
  let low = LAMBDA_LOW;
  let high = LAMBDA_HIGH;
  let a = high - GOLDEN * (high - low);
  let b = low + GOLDEN * (high - low);
  let fa = yeoJohnsonLogLikelihood(values, a);
  let fb = yeoJohnsonLogLikelihood(values, b);
  for (let step = 0; step < SEARCH_STEPS; step++) {
    if (fa >= fb) {
      high = b;
      b = a;
      fb = fa;
      a = high - GOLDEN * (high - low);
      fa = yeoJohnsonLogLikelihood(values, a);
    } else {
      low = a;
      a = b;
      fa = fb;
      b = low + GOLDEN * (high - low);
      fb = yeoJohnsonLogLikelihood(values, b);
    }
  }
  const lambda = (low + high) / 2;
  return Number.isFinite(yeoJohnsonLogLikelihood(values, lambda)) ? lambda : 1;
}
