/**
 * CMA-ES's strategy parameters for a population of `lambda` in `n` dimensions: the defaults of Hansen, "The CMA
 * Evolution Strategy: A Tutorial" (arXiv:1604.00772, table 1), with positive recombination weights only.
 */
export interface StrategyParameters {
  n: number;
  lambda: number;
  mu: number;
  /** Recombination weights of the mu best, decreasing, summing to 1. */
  weights: number[];
  muEff: number;
  cSigma: number;
  dSigma: number;
  cC: number;
  c1: number;
  cMu: number;
  /** E||N(0, I)||, the expected length of a standard normal vector in n dimensions. */
  chiN: number;
}

/** The default population size, 4 + floor(3 ln n), for n >= 1. */
export function defaultPopulation(n: number): number {
  return 4 + Math.floor(3 * Math.log(Math.max(1, n)));
}

export function strategyParameters(n: number, lambda: number): StrategyParameters {
  const mu = Math.floor(lambda / 2);
  const weights = recombinationWeights(lambda, mu);
  const muEff = effectiveSelectionMass(weights);
  const cSigma = (muEff + 2) / (n + muEff + 5);
  const dSigma = 1 + 2 * Math.max(0, Math.sqrt((muEff - 1) / (n + 1)) - 1) + cSigma;
  const cC = (4 + muEff / n) / (n + 4 + (2 * muEff) / n);
  const alphaCov = 2;
  const c1 = alphaCov / ((n + 1.3) ** 2 + muEff);
  const cMu = Math.min(1 - c1, (alphaCov * (muEff - 2 + 1 / muEff)) / ((n + 2) ** 2 + (alphaCov * muEff) / 2));
  const chiN = Math.sqrt(n) * (1 - 1 / (4 * n) + 1 / (21 * n * n));
  return { n, lambda, mu, weights, muEff, cSigma, dSigma, cC, c1, cMu, chiN };
}

/** w_i proportional to ln((lambda + 1) / 2) - ln i for the `count` best, normalised to sum 1. */
export function recombinationWeights(lambda: number, count: number): number[] {
  const raw = Array.from({ length: count }, (_, i) => Math.log((lambda + 1) / 2) - Math.log(i + 1));
  const total = raw.reduce((sum, w) => sum + w, 0);
  return raw.map((w) => w / total);
}

/** mu_eff = (sum w)^2 / sum w^2 for weights summing to 1. */
export function effectiveSelectionMass(weights: readonly number[]): number {
  return 1 / weights.reduce((sum, w) => sum + w * w, 0);
}
