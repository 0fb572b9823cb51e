import type { ParameterSpec } from '../../../shared/wire/generated/api/v1/beta1/ParameterSpec.js';

/**
 * The fuzzer's own account of a search space, written from Katib's parameter semantics (design.md) rather than
 * from shared/space, so that a reply is judged by what the user asked for and not by the code under test.
 *
 * Every value of a parameter has an identity: two assignments are the same trial exactly when every parameter's
 * identity agrees (numbers compared by value, categories by their string).
 */
export type ParameterModel = NumericModel | ListModel;

export interface NumericModel {
  kind: 'int' | 'double';
  name: string;
  min: number;
  max: number;
  /** Lattice spacing: the step, 1 for an INT without one; undefined for a continuous DOUBLE. */
  step: number | undefined;
  size: number;
  spec: ParameterSpec;
}

export interface ListModel {
  kind: 'discrete' | 'categorical';
  name: string;
  values: string[];
  size: number;
  spec: ParameterSpec;
}

export function isNumeric(parameter: ParameterModel): parameter is NumericModel {
  return parameter.kind === 'int' || parameter.kind === 'double';
}

/** The whole space: parameters in spec order and the number of distinct points (Infinity when not countable). */
export interface SpaceModel {
  parameters: ParameterModel[];
  size: number;
}

/** A decimal number as Katib's numbers travel: optional sign, digits, optional fraction and exponent. */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const CANONICAL_INTEGER = /^-?\d+$/;

/**
 * Relative slack for lattice doubles only: their values are min + k * step in binary floating point, so the exact
 * decimal lattice point is out of reach; 1e-9 is the tolerance the lattice's own definition allows for
 * (max is reached when (max - min) / step is within 1e-9 of an integer).
 */
const LATTICE_SLACK = 1e-9;

export function spaceModel(parameters: ParameterModel[]): SpaceModel {
  const product = parameters.reduce((size, parameter) => size * parameter.size, 1);
  return { parameters, size: Number.isSafeInteger(product) ? product : Infinity };
}

/** The number of values of a numeric parameter, by Katib's rule min, min + step, ... <= max. */
export function numericSize(kind: 'int' | 'double', min: number, max: number, step: number | undefined): number {
  if (step === undefined) return min === max ? 1 : kind === 'int' ? max - min + 1 : Infinity;
  return Math.floor((max - min) / step + LATTICE_SLACK) + 1;
}

/** The identity of `text` as a value of `parameter`, or why it is not one of the parameter's values. */
export function valueIdentity(parameter: ParameterModel, text: string): { id: string } | { problem: string } {
  switch (parameter.kind) {
    case 'categorical': {
      const index = parameter.values.indexOf(text);
      return index >= 0 ? { id: `c${index}` } : { problem: 'not one of the CATEGORICAL values' };
    }
    case 'discrete':
      // Handed to trials verbatim, so a reply must use the list's own spelling.
      return parameter.values.includes(text) ? { id: `n${Number(text.trim())}` } : { problem: 'not one of the DISCRETE values as listed' };
    case 'int': {
      if (!CANONICAL_INTEGER.test(text)) return { problem: 'not written as an integer' };
      const value = Number(text);
      if (value < parameter.min || value > parameter.max) return { problem: `outside [${parameter.min}, ${parameter.max}]` };
      if ((value - parameter.min) % parameter.step! !== 0) return { problem: `not min + k * step (step ${parameter.step})` };
      return { id: `i${value}` };
    }
    case 'double': {
      if (!DECIMAL.test(text)) return { problem: 'not a decimal number' };
      const value = Number(text);
      if (!Number.isFinite(value)) return { problem: 'not finite' };
      if (parameter.size === Infinity) {
        if (value < parameter.min || value > parameter.max) return { problem: `outside [${parameter.min}, ${parameter.max}]` };
        return { id: `d${value}` };
      }
      const step = parameter.step ?? 1;
      const index = Math.round((value - parameter.min) / step);
      const lattice = parameter.min + index * step;
      const slack = LATTICE_SLACK * Math.max(Math.abs(lattice), Math.abs(step));
      if (index < 0 || index >= parameter.size || Math.abs(value - lattice) > slack) {
        return { problem: `not one of min + k * step in [${parameter.min}, ${parameter.max}] (step ${step})` };
      }
      return { id: `k${index}` };
    }
  }
}

/** The identity of a whole assignment (every parameter named once), or why it is not a point of the space. */
export function pointIdentity(space: SpaceModel, assignments: readonly { name: string; value: string }[]): { id: string } | { problem: string } {
  const names = assignments.map((assignment) => assignment.name);
  const expected = space.parameters.map((parameter) => parameter.name);
  if (names.length !== expected.length || new Set(names).size !== names.length || !expected.every((name) => names.includes(name))) {
    return { problem: `assigns ${JSON.stringify(names)}; expected each of ${JSON.stringify(expected)} once` };
  }
  const ids: string[] = [];
  for (const parameter of space.parameters) {
    const text = assignments.find((assignment) => assignment.name === parameter.name)!.value;
    const identity = valueIdentity(parameter, text);
    if ('problem' in identity) return { problem: `parameter ${JSON.stringify(parameter.name)} = ${JSON.stringify(text)}: ${identity.problem}` };
    ids.push(identity.id);
  }
  return { id: JSON.stringify(ids) };
}
