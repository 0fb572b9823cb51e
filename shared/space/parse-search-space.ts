import { invalidArgument, quote } from '../errors/service-error.js';
import type { ParameterSpec } from '../wire/messages.js';
import type { Dimension } from './dimension.js';
import { ListDimension } from './list-dimension.js';
import { parseDecimal } from './numbers.js';
import { NumericDimension } from './numeric-dimension.js';
import { SearchSpace } from './search-space.js';

/**
 * Turns the experiment's parameter specs into a SearchSpace, or throws INVALID_ARGUMENT naming the parameter,
 * the field, the value and what was expected.
 */
export function parseSearchSpace(parameters: readonly ParameterSpec[]): SearchSpace {
  if (parameters.length === 0) {
    throw invalidArgument('experiment.spec.parameter_specs.parameters is empty; expected at least one parameter');
  }
  const seen = new Set<string>();
  const dimensions = parameters.map((parameter, index) => {
    const name = parameter.name;
    if (name === '') throw invalidArgument(`parameter #${index + 1} has an empty name; expected a non-empty name`);
    if (seen.has(name)) throw invalidArgument(`parameter ${quote(name)} is declared twice; parameter names must be unique`);
    seen.add(name);
    return parseDimension(parameter);
  });
  return new SearchSpace(dimensions);
}

function parseDimension(parameter: ParameterSpec): Dimension {
  const space = parameter.feasible_space;
  const name = parameter.name;
  switch (parameter.parameter_type) {
    case 'DOUBLE':
    case 'INT':
      if (space === null) throw invalidArgument(`parameter ${quote(name)} has no feasible_space; expected min and max`);
      return parseNumeric(name, parameter.parameter_type === 'INT' ? 'int' : 'double', space);
    case 'DISCRETE':
    case 'CATEGORICAL':
      return parseList(name, parameter.parameter_type === 'DISCRETE' ? 'discrete' : 'categorical', space?.list ?? []);
    default:
      throw invalidArgument(
        `parameter ${quote(name)}: parameter_type ${quote(parameter.parameter_type)} is not supported; expected DOUBLE, INT, DISCRETE or CATEGORICAL`,
      );
  }
}

function parseNumeric(
  name: string,
  kind: 'double' | 'int',
  space: NonNullable<ParameterSpec['feasible_space']>,
): NumericDimension {
  const min = numberField(name, 'min', space.min, kind);
  const max = numberField(name, 'max', space.max, kind);
  if (min > max) throw invalidArgument(`parameter ${quote(name)}: min ${quote(space.min)} is greater than max ${quote(space.max)}`);
  if (!Number.isFinite(max - min)) {
    // The encoding needs max - min as a double; a wider range would turn every suggestion into NaN.
    throw invalidArgument(`parameter ${quote(name)}: [${space.min}, ${space.max}] is too wide; max - min must be below ${Number.MAX_VALUE}`);
  }
  let step: number | undefined;
  if (space.step.trim() !== '') {
    step = numberField(name, 'step', space.step, kind);
    if (!(step > 0)) throw invalidArgument(`parameter ${quote(name)}: step ${quote(space.step)} must be greater than 0`);
  }
  const distribution = space.distribution;
  const logScale = distribution === 'LOG_UNIFORM' || distribution === 'LOG_NORMAL';
  if (logScale && !(min > 0)) {
    throw invalidArgument(
      `parameter ${quote(name)}: distribution ${distribution} needs min > 0, got min ${quote(space.min)}`,
    );
  }
  if (!['DISTRIBUTION_UNSPECIFIED', 'UNIFORM', 'LOG_UNIFORM', 'NORMAL', 'LOG_NORMAL'].includes(distribution)) {
    throw invalidArgument(
      `parameter ${quote(name)}: distribution ${quote(distribution)} is not supported; expected UNIFORM, LOG_UNIFORM, NORMAL or LOG_NORMAL`,
    );
  }
  const dimension = new NumericDimension({
    name,
    kind,
    min,
    max,
    step,
    logScale,
    normalPrior: distribution === 'NORMAL' || distribution === 'LOG_NORMAL',
  });
  // A continuous double (size Infinity) is fine; only a lattice too fine to count is refused.
  if (Number.isFinite(dimension.size) && dimension.size > Number.MAX_SAFE_INTEGER) {
    throw invalidArgument(`parameter ${quote(name)}: [${space.min}, ${space.max}] by step ${space.step || 1} has too many values`);
  }
  return dimension;
}

function numberField(name: string, field: string, text: string, kind: 'double' | 'int'): number {
  const value = parseDecimal(text);
  if (value === undefined) {
    throw invalidArgument(`parameter ${quote(name)}: ${field} ${quote(text)} is not a number; expected a decimal number`);
  }
  if (kind === 'int' && !Number.isSafeInteger(value)) {
    throw invalidArgument(`parameter ${quote(name)}: ${field} ${quote(text)} is not an integer; an INT parameter needs integer ${field}`);
  }
  return value;
}

function parseList(name: string, kind: 'discrete' | 'categorical', list: readonly string[]): ListDimension {
  const label = kind === 'discrete' ? 'DISCRETE' : 'CATEGORICAL';
  if (list.length === 0) throw invalidArgument(`parameter ${quote(name)}: feasible_space.list is empty; a ${label} parameter needs at least one value`);
  const seen = new Set<string | number>();
  for (const value of list) {
    let identity: string | number = value;
    if (kind === 'discrete') {
      const number = parseDecimal(value);
      if (number === undefined) {
        throw invalidArgument(`parameter ${quote(name)}: DISCRETE value ${quote(value)} is not a number; expected decimal numbers`);
      }
      identity = number;
    }
    if (seen.has(identity)) throw invalidArgument(`parameter ${quote(name)}: value ${quote(value)} appears twice in feasible_space.list`);
    seen.add(identity);
  }
  return new ListDimension(name, kind, list);
}
