import type { KernelSet } from './kernel-set.js';

/** A dimension with a single value: every kernel is certain of it. */
export class FixedKernels implements KernelSet {
  constructor(
    readonly count: number,
    private readonly position: number,
  ) {}

  addLogDensities(): void {}

  sample(): number {
    return this.position;
  }
}
