import { ListDimension } from '../../shared/space/list-dimension.js';
import { NumericDimension } from '../../shared/space/numeric-dimension.js';
import { SearchSpace } from '../../shared/space/search-space.js';

/** Search spaces for the GP's unit tests, built straight from dimensions. */

export function continuous(name: string, min = 0, max = 1): NumericDimension {
  return new NumericDimension({ name, kind: 'double', min, max, step: undefined, logScale: false, normalPrior: false });
}

export function integer(name: string, min: number, max: number): NumericDimension {
  return new NumericDimension({ name, kind: 'int', min, max, step: 1, logScale: false, normalPrior: false });
}

export function categorical(name: string, values: string[]): ListDimension {
  return new ListDimension(name, 'categorical', values);
}

export function unitCube(dimensions: number): SearchSpace {
  return new SearchSpace(Array.from({ length: dimensions }, (_, i) => continuous(`x${i}`)));
}

/** One continuous, one integer and one categorical parameter. */
export function mixedSpace(): SearchSpace {
  return new SearchSpace([continuous('x'), integer('n', 1, 8), categorical('c', ['a', 'b', 'c'])]);
}
