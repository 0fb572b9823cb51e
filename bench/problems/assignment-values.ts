import type { ParameterDefinition, ProblemDefinition } from './problem-catalog.js';

/** A parameter's value as the problem's formula takes it: a number, or a categorical's string. */
export type ParameterValue = number | string;
export type ParameterValues = Record<string, ParameterValue>;

/** An assignment a problem cannot evaluate: a missing parameter, a value out of the feasible space, ... */
export class InvalidAssignmentError extends Error {
  override readonly name = 'InvalidAssignmentError';
}

/**
 * Bounds are checked with this slack (a fraction of the range), so that a value decoded from the unit
 * interval and printed in a short decimal form is not refused for a last-digit overshoot.
 */
const RANGE_SLACK = 1e-9;

/**
 * Reads the string assignments a service returned (as a Katib trial would receive them) into the values the
 * formula takes, refusing anything outside the problem's feasible space.
 */
export function parseAssignmentValues(problem: ProblemDefinition, assignments: Readonly<Record<string, string>>): ParameterValues {
  const values: ParameterValues = {};
  for (const parameter of problem.parameters) {
    const text = assignments[parameter.name];
    if (text === undefined) throw new InvalidAssignmentError(`parameter "${parameter.name}" is missing`);
    values[parameter.name] = parseValue(parameter, text);
  }
  const extra = Object.keys(assignments).filter((name) => !problem.parameters.some((parameter) => parameter.name === name));
  if (extra.length > 0) throw new InvalidAssignmentError(`unknown parameters: ${extra.join(', ')}`);
  return values;
}

function parseValue(parameter: ParameterDefinition, text: string): ParameterValue {
  const space = parameter.feasibleSpace;
  switch (parameter.parameterType) {
    case 'categorical':
      if (!(space.list ?? []).includes(text)) throw invalid(parameter, text, `one of ${(space.list ?? []).join(', ')}`);
      return text;
    case 'discrete': {
      const value = decimal(parameter, text);
      if (!(space.list ?? []).some((item) => Number(item) === value)) throw invalid(parameter, text, `one of ${(space.list ?? []).join(', ')}`);
      return value;
    }
    case 'int': {
      const value = decimal(parameter, text);
      if (!Number.isInteger(value)) throw invalid(parameter, text, 'an integer');
      return inRange(parameter, text, value);
    }
    case 'double':
      return inRange(parameter, text, decimal(parameter, text));
  }
}

function decimal(parameter: ParameterDefinition, text: string): number {
  const value = text.trim() === '' ? Number.NaN : Number(text);
  if (!Number.isFinite(value)) throw invalid(parameter, text, 'a finite decimal number');
  return value;
}

function inRange(parameter: ParameterDefinition, text: string, value: number): number {
  const min = Number(parameter.feasibleSpace.min);
  const max = Number(parameter.feasibleSpace.max);
  const slack = (max - min) * RANGE_SLACK;
  if (value < min - slack || value > max + slack) throw invalid(parameter, text, `a value in [${min}, ${max}]`);
  return value;
}

function invalid(parameter: ParameterDefinition, text: string, expected: string): InvalidAssignmentError {
  return new InvalidAssignmentError(`parameter "${parameter.name}" = "${text}" is not ${expected}`);
}
