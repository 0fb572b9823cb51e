import type { AppendedObservation, GaussianProcess } from './gaussian-process.js';

/**
 * The posterior of a GP at a fixed set of encoded points, kept current as the GP is conditioned on more
 * observations. It stores v = L^-1 k(X, x) for every point, so an append costs O(n) per point (one new entry of
 * v) where a fresh solve would cost O(n^2): the candidate cover is scored once per request, however large the batch.
 *
 * The stored rows have one more use: since L is lower triangular, the first t entries of a point's v are the same
 * as for the GP of the first t observations alone, so they give the posterior after every prefix of the data:
 * mean_t = sum_{i<t} v_i w_i, variance_t = s2 - sum_{i<t} v_i^2 (see gp-hedge.ts).
 */
export class CachedPosterior {
  readonly mean: Float64Array;
  readonly variance: Float64Array;
  private readonly rows: Float64Array;
  /** Kernel inputs of the points. */
  private readonly features: Float64Array;
  private readonly stride: number;
  private size: number;

  constructor(
    private readonly gp: GaussianProcess,
    readonly points: Float64Array,
    readonly count: number,
    capacity: number,
  ) {
    const n = gp.size;
    this.stride = capacity;
    this.size = n;
    this.rows = new Float64Array(count * capacity);
    this.mean = new Float64Array(count);
    this.variance = new Float64Array(count);
    const scratch = new Float64Array(capacity);
    const w = gp.whitenedTargets;
    const d = gp.dimensionCount;
    this.features = new Float64Array(count * d);
    for (let c = 0; c < count; c++) gp.mapping.map(points, c * d, this.features, c * d);
    for (let c = 0; c < count; c++) {
      const v = gp.whiten(points, c * d, scratch);
      let mean = 0;
      let explained = 0;
      for (let i = 0; i < n; i++) {
        mean += v[i]! * w[i]!;
        explained += v[i]! * v[i]!;
      }
      this.rows.set(v.subarray(0, n), c * capacity);
      this.mean[c] = mean;
      this.variance[c] = Math.max(0, gp.priorVariance - explained);
    }
  }

  /** Point c's v = L^-1 k(X, x_c), over the observations so far. */
  whitenedRow(c: number): Float64Array {
    return this.rows.subarray(c * this.stride, c * this.stride + this.size);
  }

  /** Brings every point's posterior up to date with the observation the GP just appended. */
  update(appended: AppendedObservation): void {
    const n = this.size;
    const rowOfNew = appended.row;
    const d = this.gp.dimensionCount;
    for (let c = 0; c < this.count; c++) {
      const offset = c * this.stride;
      let projected = 0;
      for (let i = 0; i < n; i++) projected += this.rows[offset + i]! * rowOfNew[i]!;
      const entry = (this.gp.kernel.covariance(appended.features, 0, this.features, c * d) - projected) / appended.pivot;
      this.rows[offset + n] = entry;
      this.mean[c]! += entry * appended.whitenedTarget;
      this.variance[c] = Math.max(0, this.variance[c]! - entry * entry);
    }
    this.size = n + 1;
  }
}
