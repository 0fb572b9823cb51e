import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { Rng } from '../../shared/random/rng.js';
import { effectiveSelectionMass, recombinationWeights, type StrategyParameters } from './strategy-parameters.js';

/** A sample of the search distribution, in the box [0, 1]^n, with the loss it was given. */
export interface EvaluatedStep {
  x: readonly number[];
  loss: number;
}

/** No eigenvalue of C falls below this, so C stays positive definite through rounding. */
const MIN_EIGENVALUE = 1e-20;

/**
 * The normal distribution N(m, sigma^2 C) of one CMA-ES run over the box [0, 1]^n, with its evolution paths:
 * sampling and the update of Hansen's tutorial (arXiv:1604.00772, section 3 and table 1), positive weights only.
 * Samples outside the box are mirrored into it, and the update uses the mirrored (evaluated) point.
 */
export class GaussianSearch {
  readonly mean: number[];
  sigma: number;
  private readonly c: number[][];
  private readonly pC: number[];
  private readonly pSigma: number[];
  /** C = B diag(d^2) B^T. */
  private b: number[][];
  private d: number[];
  /** Updates made so far (g in the tutorial's h_sigma). */
  private updates = 0;

  constructor(
    readonly parameters: StrategyParameters,
    mean: readonly number[],
    sigma: number,
  ) {
    const n = parameters.n;
    this.mean = [...mean];
    this.sigma = sigma;
    this.c = identity(n);
    this.b = identity(n);
    this.d = new Array<number>(n).fill(1);
    this.pC = new Array<number>(n).fill(0);
    this.pSigma = new Array<number>(n).fill(0);
  }

  get n(): number {
    return this.parameters.n;
  }

  /** m + sigma B D z for z ~ N(0, I), mirrored into [0, 1]^n. */
  sample(rng: Rng): number[] {
    return sampleNormal(this.mean, this.sigma, this.b, this.d, rng);
  }

  /** Samples of the distribution as it is now, which later updates leave alone. */
  frozen(): (rng: Rng) => number[] {
    const mean = [...this.mean];
    const sigma = this.sigma;
    const b = this.b.map((row) => [...row]);
    const d = [...this.d];
    return (rng) => sampleNormal(mean, sigma, b, d, rng);
  }

  /** The standard deviation of coordinate i's marginal, sigma sqrt(C_ii). */
  spread(i: number): number {
    return this.sigma * Math.sqrt(this.c[i]![i]!);
  }

  /** max over min eigenvalue of C. */
  get conditionNumber(): number {
    const squares = this.d.map((v) => v * v);
    return Math.max(...squares) / Math.min(...squares);
  }

  /**
   * One generation's update from its evaluated members, best first. With fewer than mu of them (members that
   * failed or never reported) the recombination uses the weights of as many ranks, renormalised; with none, the
   * distribution stays as it is.
   */
  update(ranked: readonly EvaluatedStep[]): void {
    const p = this.parameters;
    const n = this.n;
    const count = Math.min(p.mu, ranked.length);
    if (count === 0) return;
    const weights = count === p.mu ? p.weights : recombinationWeights(p.lambda, count);
    const muEff = count === p.mu ? p.muEff : effectiveSelectionMass(weights);
    const steps = ranked.slice(0, count).map((member) => member.x.map((x, i) => (x - this.mean[i]!) / this.sigma));
    const yw = new Array<number>(n).fill(0);
    steps.forEach((y, rank) => y.forEach((value, i) => (yw[i]! += weights[rank]! * value)));
    for (let i = 0; i < n; i++) this.mean[i]! += this.sigma * yw[i]!;

    // p_sigma <- (1 - c_sigma) p_sigma + sqrt(c_sigma (2 - c_sigma) mu_eff) C^{-1/2} <y>_w
    const whitened = this.inverseSquareRootTimes(yw);
    const sigmaPathRate = Math.sqrt(p.cSigma * (2 - p.cSigma) * muEff);
    for (let i = 0; i < n; i++) this.pSigma[i] = (1 - p.cSigma) * this.pSigma[i]! + sigmaPathRate * whitened[i]!;
    const pSigmaNorm = Math.hypot(...this.pSigma);
    this.updates++;
    const hSigma = pSigmaNorm / Math.sqrt(1 - (1 - p.cSigma) ** (2 * this.updates)) < (1.4 + 2 / (n + 1)) * p.chiN ? 1 : 0;
    const covariancePathRate = Math.sqrt(p.cC * (2 - p.cC) * muEff);
    for (let i = 0; i < n; i++) this.pC[i] = (1 - p.cC) * this.pC[i]! + hSigma * covariancePathRate * yw[i]!;

    // C <- (1 + c1 delta(h) - c1 - c_mu) C + c1 p_c p_c^T + c_mu sum w_i y_i y_i^T
    const delta = (1 - hSigma) * p.cC * (2 - p.cC);
    const keep = 1 + p.c1 * delta - p.c1 - p.cMu;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k <= i; k++) {
        let rankMu = 0;
        steps.forEach((y, rank) => (rankMu += weights[rank]! * y[i]! * y[k]!));
        const value = keep * this.c[i]![k]! + p.c1 * this.pC[i]! * this.pC[k]! + p.cMu * rankMu;
        this.c[i]![k] = value;
        this.c[k]![i] = value;
      }
    }
    this.sigma *= Math.exp((p.cSigma / p.dSigma) * (pSigmaNorm / p.chiN - 1));
    this.decompose();
    // A step wider than the box only mirrors back and forth; capping it keeps sigma finite on flat losses.
    const widest = Math.max(...this.d);
    if (this.sigma * widest > 1) this.sigma = 1 / widest;
  }

  private decompose(): void {
    const decomposition = new EigenvalueDecomposition(new Matrix(this.c), { assumeSymmetric: true });
    this.d = decomposition.realEigenvalues.map((value) => Math.sqrt(Math.max(value, MIN_EIGENVALUE)));
    this.b = decomposition.eigenvectorMatrix.to2DArray();
  }

  /** C^{-1/2} v = B diag(1/d) B^T v. */
  private inverseSquareRootTimes(v: readonly number[]): number[] {
    const n = this.n;
    const projected = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) {
      let sum = 0;
      for (let i = 0; i < n; i++) sum += this.b[i]![k]! * v[i]!;
      projected[k] = sum / this.d[k]!;
    }
    const result = new Array<number>(n).fill(0);
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += this.b[i]![k]! * projected[k]!;
      result[i] = sum;
    }
    return result;
  }
}

/** m + sigma B D z for z ~ N(0, I), mirrored into [0, 1]^n. */
function sampleNormal(mean: readonly number[], sigma: number, b: readonly (readonly number[])[], d: readonly number[], rng: Rng): number[] {
  const n = mean.length;
  const z = Array.from({ length: n }, () => rng.normal());
  const x = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    let y = 0;
    for (let k = 0; k < n; k++) y += b[i]![k]! * d[k]! * z[k]!;
    x[i] = mirror(mean[i]! + sigma * y);
  }
  return x;
}

/** x folded into [0, 1] by reflection at the faces (period 2). */
export function mirror(x: number): number {
  if (x >= 0 && x <= 1) return x;
  const folded = ((x % 2) + 2) % 2;
  return folded > 1 ? 2 - folded : folded;
}

function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, k) => (i === k ? 1 : 0)));
}
