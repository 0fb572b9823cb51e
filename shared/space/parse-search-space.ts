import { invalidRequest, quote } from '../errors/service-error.js';
import type { ParameterSpec } from '../wire/messages.js';
import type { Dimension } from './dimension.js';
import { ListDimension } from './list-dimension.js';
import { parseDecimal } from './numbers.js';
import { NumericDimension } from './numeric-dimension.js';
import { SearchSpace } from './search-space.js';

/**
 * The smallest low end a LOG_UNIFORM or LOG_NORMAL parameter gets when its min is 0 or below, as Katib's stock
 * optuna service clamps it: 1 for an INT, 1e-10 for a DOUBLE.
 */
const LOG_LOW_END = { int: 1, double: 1e-10 } as const;

/**
 * Turns the experiment's parameter specs into a SearchSpace, or throws INVALID_ARGUMENT naming the parameter,
 * the field, the value and what was expected.
 *
 * A refusal from ValidateAlgorithmSettings fails the user's Experiment for good, so only what no service could
 * run is refused. What a stock service runs after a repair is repaired the same way, with a warning in the
 * space's `warnings` (logged with the call): a log-scale min of 0 or below, repeated list values, a DISCRETE
 * list with values that are no numbers. The README lists every refusal and why.
 */
export function parseSearchSpace(parameters: readonly ParameterSpec[]): SearchSpace {
  if (parameters.length === 0) {
    throw invalidRequest('experiment.spec.parameter_specs.parameters is empty; expected at least one parameter');
  }
  const seen = new Set<string>();
  const warnings: string[] = [];
  const dimensions = parameters.map((parameter, index) => {
    const name = parameter.name;
    if (name === '') throw invalidRequest(`parameter #${index + 1} has an empty name; expected a non-empty name`);
    if (seen.has(name)) throw invalidRequest(`parameter ${quote(name)} is declared twice; parameter names must be unique`);
    seen.add(name);
    return parseDimension(parameter, warnings);
  });
  return new SearchSpace(dimensions, warnings);
}

function parseDimension(parameter: ParameterSpec, warnings: string[]): Dimension {
  const space = parameter.feasible_space;
  const name = parameter.name;
  switch (parameter.parameter_type) {
    case 'DOUBLE':
    case 'INT':
      if (space === null) throw invalidRequest(`parameter ${quote(name)} has no feasible_space; expected min and max`);
      return parseNumeric(name, parameter.parameter_type === 'INT' ? 'int' : 'double', space, warnings);
    case 'DISCRETE':
    case 'CATEGORICAL':
      return parseList(name, parameter.parameter_type === 'DISCRETE' ? 'discrete' : 'categorical', space?.list ?? [], warnings);
    default:
      throw invalidRequest(
        `parameter ${quote(name)}: parameter_type ${quote(parameter.parameter_type)} is not supported; expected DOUBLE, INT, DISCRETE or CATEGORICAL`,
      );
  }
}

function parseNumeric(
  name: string,
  kind: 'double' | 'int',
  space: NonNullable<ParameterSpec['feasible_space']>,
  warnings: string[],
): NumericDimension {
  const declaredMin = numberField(name, 'min', space.min, kind);
  let min = declaredMin;
  const max = numberField(name, 'max', space.max, kind);
  if (min > max) throw invalidRequest(`parameter ${quote(name)}: min ${quote(space.min)} is greater than max ${quote(space.max)}`);
  if (!Number.isFinite(max - min)) {
    // The encoding needs max - min as a double; a wider range would turn every suggestion into NaN.
    throw invalidRequest(`parameter ${quote(name)}: [${space.min}, ${space.max}] is too wide; max - min must be below ${Number.MAX_VALUE}`);
  }
  let step: number | undefined;
  if (space.step.trim() !== '') {
    step = numberField(name, 'step', space.step, kind);
    if (!(step > 0)) throw invalidRequest(`parameter ${quote(name)}: step ${quote(space.step)} must be greater than 0`);
  }
  const distribution = space.distribution;
  if (!['DISTRIBUTION_UNSPECIFIED', 'UNIFORM', 'LOG_UNIFORM', 'NORMAL', 'LOG_NORMAL'].includes(distribution)) {
    throw invalidRequest(
      `parameter ${quote(name)}: distribution ${quote(distribution)} is not supported; expected UNIFORM, LOG_UNIFORM, NORMAL or LOG_NORMAL`,
    );
  }
  const logScale = distribution === 'LOG_UNIFORM' || distribution === 'LOG_NORMAL';
  if (logScale && !(min > 0)) {
    const lowEnd = LOG_LOW_END[kind];
    if (!(max >= lowEnd)) {
      throw invalidRequest(
        `parameter ${quote(name)}: distribution ${distribution} needs values above 0, and [${space.min}, ${space.max}] has none ` +
          `from ${lowEnd} up; expected max >= ${lowEnd}`,
      );
    }
    // A lattice keeps its values: the low end moves to the first lattice value from lowEnd up.
    const latticeStep = step ?? (kind === 'int' ? 1 : undefined);
    min = latticeStep === undefined ? lowEnd : declaredMin + Math.ceil((lowEnd - declaredMin) / latticeStep) * latticeStep;
    if (!(min <= max)) {
      throw invalidRequest(
        `parameter ${quote(name)}: distribution ${distribution} needs values above 0, and [${space.min}, ${space.max}] by step ${space.step} has none`,
      );
    }
    warnings.push(
      `parameter ${quote(name)}: distribution ${distribution} needs values above 0; min ${quote(space.min)} is raised to ${min}, as Katib's stock optuna service does`,
    );
  }
  const dimension = new NumericDimension({
    name,
    kind,
    min,
    declaredMin,
    max,
    step,
    logScale,
    normalPrior: distribution === 'NORMAL' || distribution === 'LOG_NORMAL',
  });
  // A continuous double (size Infinity) is fine; only a lattice too fine to count is refused.
  if (Number.isFinite(dimension.size) && dimension.size > Number.MAX_SAFE_INTEGER) {
    throw invalidRequest(`parameter ${quote(name)}: [${space.min}, ${space.max}] by step ${space.step || 1} has too many values`);
  }
  return dimension;
}

function numberField(name: string, field: string, text: string, kind: 'double' | 'int'): number {
  const value = parseDecimal(text);
  if (value === undefined) {
    throw invalidRequest(`parameter ${quote(name)}: ${field} ${quote(text)} is not a number; expected a decimal number`);
  }
  if (kind === 'int' && !Number.isSafeInteger(value)) {
    throw invalidRequest(`parameter ${quote(name)}: ${field} ${quote(text)} is not an integer; an INT parameter needs integer ${field}`);
  }
  return value;
}

function parseList(name: string, kind: 'discrete' | 'categorical', list: readonly string[], warnings: string[]): ListDimension {
  const label = kind === 'discrete' ? 'DISCRETE' : 'CATEGORICAL';
  if (list.length === 0) throw invalidRequest(`parameter ${quote(name)}: feasible_space.list is empty; a ${label} parameter needs at least one value`);
  let listKind = kind;
  if (kind === 'discrete') {
    const notNumbers = list.filter((value) => parseDecimal(value) === undefined);
    if (notNumbers.length > 0) {
      // The stock services hand DISCRETE lists to their libraries as categorical choices, so they run this.
      warnings.push(
        `parameter ${quote(name)}: DISCRETE values ${quote(notNumbers)} are not numbers; the list is treated as CATEGORICAL (values as written, in the order written)`,
      );
      listKind = 'categorical';
    }
  }
  // Equal values are one choice: the first spelling is handed out, and any spelling matches a trial's value.
  const identity = (value: string): string | number => (listKind === 'discrete' ? parseDecimal(value)! : value);
  const firstSpelling = new Map<string | number, string>();
  const repeated: string[] = [];
  for (const value of list) {
    if (firstSpelling.has(identity(value))) repeated.push(value);
    else firstSpelling.set(identity(value), value);
  }
  if (repeated.length > 0) {
    warnings.push(
      `parameter ${quote(name)}: feasible_space.list repeats ${quote(repeated)}; equal values are one choice, handed out as first written (${quote([...firstSpelling.values()])})`,
    );
  }
  return new ListDimension(name, listKind, [...firstSpelling.values()]);
}
