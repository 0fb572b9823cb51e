import { invalidRequest, quote } from '../errors/service-error.js';
import type { Rng } from '../random/rng.js';
import { equalCellCentre, equalCellIndex, type Dimension } from './dimension.js';
import { parseDecimal } from './numbers.js';

/**
 * A DISCRETE or CATEGORICAL parameter: a list of values, each in an equal cell of [0, 1]. Values are handed to
 * trials verbatim. DISCRETE values are ordered by their numeric value (so neighbouring cells hold neighbouring
 * numbers) and recognised by value ("0.10" matches "0.1"); CATEGORICAL values keep the spec's order and are
 * matched exactly.
 */
export class ListDimension implements Dimension {
  readonly size: number;
  /** A list has no declared distribution: each value is equally likely. */
  readonly prior = undefined;
  readonly isLattice = true;
  /** Values in encoding order. */
  readonly values: readonly string[];
  private readonly numericValues: readonly number[];

  constructor(
    readonly name: string,
    readonly kind: 'discrete' | 'categorical',
    values: readonly string[],
  ) {
    if (kind === 'discrete') {
      const numbered = values.map((text) => ({ text, number: parseDecimal(text)! }));
      numbered.sort((a, b) => a.number - b.number);
      this.values = numbered.map((entry) => entry.text);
      this.numericValues = numbered.map((entry) => entry.number);
    } else {
      this.values = [...values];
      this.numericValues = [];
    }
    this.size = this.values.length;
  }

  encode(value: string): number {
    const index = this.kind === 'discrete' ? this.numericValues.indexOf(parseDecimal(value) ?? NaN) : this.values.indexOf(value);
    if (index < 0) {
      throw invalidRequest(
        `parameter ${quote(this.name)}: trial value ${quote(value)} is not in the search space; expected one of ${quote(this.values)}`,
      );
    }
    return equalCellCentre(index, this.size);
  }

  decode(u: number): string {
    return this.values[this.indexOfUnit(u)]!;
  }

  sample(rng: Rng): number {
    return equalCellCentre(rng.integer(this.size), this.size);
  }

  unitOfIndex(index: number): number {
    return equalCellCentre(index, this.size);
  }

  indexOfUnit(u: number): number {
    return equalCellIndex(u, this.size);
  }
}
