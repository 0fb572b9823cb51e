import { invalidRequest, quote } from '../errors/service-error.js';
import type { Rng } from '../random/rng.js';
import { clampUnit, type Dimension } from './dimension.js';
import { formatDouble, parseDecimal } from './numbers.js';
import { normalPriorBetween, sampleNormalPrior, type NormalPrior } from './prior.js';

export interface NumericDimensionSpec {
  name: string;
  kind: 'double' | 'int';
  min: number;
  /**
   * The spec's min when `min` was raised above it (a log scale needs values above 0): trial values from here up
   * to `min` are still in the space, and hold the point of `min`.
   */
  declaredMin?: number;
  max: number;
  /** Lattice spacing; an int without a step uses 1, a double without one is continuous. */
  step: number | undefined;
  /** LOG_UNIFORM and LOG_NORMAL: the encoding is linear in log(value). */
  logScale: boolean;
  /** NORMAL and LOG_NORMAL: samples follow a normal centred on the range (on its scale), sigma a sixth of it. */
  normalPrior: boolean;
}

/** Relative tolerance for values that sit on a bound or lattice point up to floating-point noise. */
const TOLERANCE = 1e-9;
/**
 * Lattice values of a stepped double kept per dimension. Placing a trial and naming its point each look at a
 * few lattice values, and each costs a decimal round trip; with 10,000 trials in a request that was most of the
 * call. The bound keeps a lattice of billions of values from filling memory.
 */
const LATTICE_CACHE_SIZE = 4096;

/**
 * An INT or DOUBLE parameter. A continuous double maps its range (or the range of its logs) linearly onto
 * [0, 1]. A lattice (ints, stepped doubles, and a double with min == max) gives each value a cell: cell
 * boundaries lie half-way between neighbouring values on the dimension's scale, and the end cells reach half a
 * gap beyond the end values, so a uniform position is an (almost) uniform value on that scale.
 */
export class NumericDimension implements Dimension {
  readonly name: string;
  readonly kind: 'double' | 'int';
  readonly size: number;
  readonly min: number;
  private readonly declaredMin: number;
  readonly max: number;
  readonly step: number | undefined;
  readonly logScale: boolean;
  readonly prior: NormalPrior | undefined;
  /** Encoded interval [low, high] on the dimension's scale (log or linear). */
  private readonly low: number;
  private readonly high: number;
  private readonly latticeValues = new Map<number, { value: number; text: string }>();

  constructor(spec: NumericDimensionSpec) {
    this.name = spec.name;
    this.kind = spec.kind;
    this.min = spec.min;
    this.declaredMin = Math.min(spec.declaredMin ?? spec.min, spec.min);
    this.max = spec.max;
    this.logScale = spec.logScale;
    const step = spec.step ?? (spec.kind === 'int' ? 1 : undefined);
    if (step === undefined && spec.min === spec.max) {
      this.step = 1;
      this.size = 1;
    } else {
      this.step = step;
      this.size = step === undefined ? Infinity : Math.floor((spec.max - spec.min) / step + TOLERANCE) + 1;
    }
    if (this.isLattice && this.size > 1) {
      const first = this.scale(this.valueAt(0));
      const second = this.scale(this.valueAt(1));
      const last = this.scale(this.valueAt(this.size - 1));
      const beforeLast = this.scale(this.valueAt(this.size - 2));
      this.low = first - (second - first) / 2;
      this.high = last + (last - beforeLast) / 2;
    } else if (this.isLattice) {
      this.low = this.scale(spec.min) - 0.5;
      this.high = this.scale(spec.min) + 0.5;
    } else {
      this.low = this.scale(spec.min);
      this.high = this.scale(spec.max);
    }
    // Between the end values a trial can take: the last lattice value may lie short of max.
    this.prior = spec.normalPrior
      ? normalPriorBetween(this.isLattice ? this.unitOfIndex(0) : 0, this.isLattice ? this.unitOfIndex(this.size - 1) : 1)
      : undefined;
  }

  get isLattice(): boolean {
    return Number.isFinite(this.size);
  }

  /** The index-th lattice value (exact for ints; rounded to its stable decimal form for doubles). */
  valueAt(index: number): number {
    return this.kind === 'int' ? this.min + index * this.step! : this.latticeValue(index).value;
  }

  /** The index-th value of a stepped double, and the string a trial gets for it. */
  private latticeValue(index: number): { value: number; text: string } {
    let entry = this.latticeValues.get(index);
    if (entry === undefined) {
      const value = Number(formatDouble(this.min + index * this.step!));
      entry = { value, text: this.format(value) };
      if (this.latticeValues.size >= LATTICE_CACHE_SIZE) this.latticeValues.clear();
      this.latticeValues.set(index, entry);
    }
    return entry;
  }

  encode(value: string): number {
    const number = parseDecimal(value);
    const width = this.max - this.min;
    const slack = TOLERANCE * Math.max(Math.abs(width), Math.abs(this.max), Math.abs(this.min), 1e-300);
    if (number === undefined || number < Math.min(this.min - slack, this.declaredMin) || number > this.max + slack) {
      throw invalidRequest(
        `parameter ${quote(this.name)}: trial value ${quote(value)} is not in the search space; expected a number in [${this.declaredMin}, ${this.max}]`,
      );
    }
    if (this.kind === 'int' && Math.abs(number - Math.round(number)) > slack) {
      throw invalidRequest(`parameter ${quote(this.name)}: trial value ${quote(value)} is not an integer`);
    }
    const clamped = Math.min(this.max, Math.max(this.min, number));
    if (this.isLattice) return this.unitOfIndex(this.nearestIndex(this.scale(clamped)));
    return clampUnit((this.scale(clamped) - this.low) / (this.high - this.low));
  }

  decode(u: number): string {
    if (this.isLattice) {
      const index = this.indexOfUnit(u);
      return this.kind === 'int' ? this.format(this.valueAt(index)) : this.latticeValue(index).text;
    }
    const value = this.unscale(this.low + clampUnit(u) * (this.high - this.low));
    return this.format(Math.min(this.max, Math.max(this.min, value)));
  }

  sample(rng: Rng): number {
    return this.prior === undefined ? rng.uniform() : sampleNormalPrior(this.prior, rng);
  }

  unitOfIndex(index: number): number {
    if (this.size === 1) return 0.5;
    return clampUnit((this.scale(this.valueAt(index)) - this.low) / (this.high - this.low));
  }

  indexOfUnit(u: number): number {
    return this.nearestIndex(this.low + clampUnit(u) * (this.high - this.low));
  }

  /** The lattice index whose value lies nearest to `position` on the dimension's scale. */
  private nearestIndex(position: number): number {
    if (this.size === 1) return 0;
    const step = this.step!;
    const guess = Math.floor((this.unscale(position) - this.min) / step);
    let best = 0;
    let bestDistance = Infinity;
    for (let index = guess - 1; index <= guess + 2; index++) {
      if (index < 0 || index >= this.size) continue;
      const distance = Math.abs(this.scale(this.valueAt(index)) - position);
      if (distance < bestDistance) {
        best = index;
        bestDistance = distance;
      }
    }
    if (bestDistance === Infinity) best = guess < 0 ? 0 : this.size - 1;
    return best;
  }

  private format(value: number): string {
    if (this.kind === 'int') return String(Math.round(value));
    // Twelve digits can round a value past a bound written with more digits (min 0.1234567890123 becomes
    // 0.123456789012); the value itself, clamped to [min, max], is written in full then.
    const text = formatDouble(value);
    const rounded = Number(text);
    return rounded < this.min || rounded > this.max ? String(Math.min(this.max, Math.max(this.min, value))) : text;
  }

  private scale(value: number): number {
    return this.logScale ? Math.log(value) : value;
  }

  private unscale(position: number): number {
    return this.logScale ? Math.exp(position) : position;
  }
}
