import fc from 'fast-check';
import type { ParameterSpec } from '../../../shared/wire/generated/api/v1/beta1/ParameterSpec.js';
import { numericSize, spaceModel, type ListModel, type NumericModel, type ParameterModel, type SpaceModel } from './space-model.js';

/** Random valid search spaces of every parameter type and distribution, with their models. */

const DISTRIBUTIONS = ['DISTRIBUTION_UNSPECIFIED', 'UNIFORM', 'LOG_UNIFORM', 'NORMAL', 'LOG_NORMAL'] as const;
type Distribution = (typeof DISTRIBUTIONS)[number];
const isLog = (distribution: Distribution) => distribution === 'LOG_UNIFORM' || distribution === 'LOG_NORMAL';

export interface SpaceOptions {
  /** Every DOUBLE gets a step (or min == max): grid's spaces. */
  finite: boolean;
  maxParameters: number;
}

/** Parameter names: any non-empty strings, unique within a space. */
export const parameterNames = (count: number) =>
  fc.uniqueArray(fc.oneof(fc.constantFrom('lr', 'x', 'optimizer', 'layers'), fc.string({ minLength: 1, maxLength: 10, unit: 'binary' })), {
    minLength: count,
    maxLength: count,
  });

/** The ways a number may be spelled in a spec; all parse to the same value. */
function spellings(value: number, canonical: string): string[] {
  const forms = [canonical, canonical, ` ${canonical} `];
  if (value >= 0) forms.push(`+${canonical}`);
  if (/^-?\d+$/.test(canonical)) forms.push(`${canonical}.0`);
  return forms;
}
const spell = (value: number, canonical = String(value)) => fc.constantFrom(...spellings(value, canonical));

/** A decimal a / 10^d written exactly, e.g. 0.0125. */
const decimal = (a: number, digits: number) => Number((a / 10 ** digits).toFixed(digits));

interface NumericShape {
  min: number;
  max: number;
  step: number | undefined;
  minText: string;
  maxText: string;
  stepText: string;
}

/** A DOUBLE's bounds and step. Ordinary decimals mostly, and now and then the extremes of the double range. */
function doubleShape(log: boolean, finite: boolean): fc.Arbitrary<NumericShape> {
  const lattice = fc
    .record({
      digits: fc.integer({ min: 0, max: 4 }),
      start: log ? fc.integer({ min: 1, max: 10_000 }) : fc.integer({ min: -10_000, max: 10_000 }),
      stepUnits: fc.integer({ min: 1, max: 500 }),
      values: fc.oneof({ weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: 13, max: 5_000 }) }),
      spare: fc.integer({ min: 0, max: 99 }),
    })
    .map(({ digits, start, stepUnits, values, spare }) => {
      const min = decimal(start, digits);
      const step = decimal(stepUnits, digits);
      // max may sit a fraction of a step past the last value: the lattice still ends at or below it.
      const max = decimal(start + (values - 1) * stepUnits + Math.floor((spare / 100) * stepUnits), digits);
      return { min, max, step, minText: String(min), maxText: String(max), stepText: String(step) };
    });
  const single = fc
    .double({ min: log ? 1e-300 : -1e300, max: 1e300, noNaN: true, noDefaultInfinity: true })
    .filter((value) => !log || value > 0)
    .map((value) => ({ min: value, max: value, step: undefined, minText: String(value), maxText: String(value), stepText: '' }));
  if (finite) return fc.oneof({ weight: 6, arbitrary: lattice }, { weight: 1, arbitrary: single });
  const ordinary = fc
    .record({ digits: fc.integer({ min: 0, max: 6 }), start: log ? fc.integer({ min: 1, max: 1e6 }) : fc.integer({ min: -1e6, max: 1e6 }), width: fc.integer({ min: 1, max: 1e6 }) })
    .map(({ digits, start, width }) => {
      const min = decimal(start, digits);
      const max = decimal(start + width, digits);
      return { min, max, step: undefined, minText: String(min), maxText: String(max), stepText: '' };
    });
  // Bounds anywhere in the double range, written with all 17 digits: a reply must still land inside them.
  const anywhere = fc
    .tuple(
      fc.double({ min: log ? Number.MIN_VALUE : -Number.MAX_VALUE, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true }),
      fc.double({ min: log ? Number.MIN_VALUE : -Number.MAX_VALUE, max: Number.MAX_VALUE, noNaN: true, noDefaultInfinity: true }),
    )
    .filter(([a, b]) => a !== b && (!log || (a > 0 && b > 0)))
    .map(([a, b]) => {
      const [min, max] = a < b ? [a, b] : [b, a];
      return { min, max, step: undefined, minText: String(min), maxText: String(max), stepText: '' };
    });
  return fc.oneof({ weight: 6, arbitrary: ordinary }, { weight: 3, arbitrary: lattice }, { weight: 2, arbitrary: anywhere }, { weight: 1, arbitrary: single });
}

/** An INT's bounds and step: small ranges mostly, sometimes ranges near the 2^53 limit of exact integers. */
function intShape(log: boolean): fc.Arbitrary<NumericShape> {
  const small = fc.record({
    min: log ? fc.integer({ min: 1, max: 1_000 }) : fc.integer({ min: -1_000, max: 1_000 }),
    width: fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 100_000 })),
    step: fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
  });
  const huge = fc.record({
    min: log ? fc.constantFrom(1, 2 ** 40) : fc.constantFrom(-(2 ** 51), -(2 ** 40), 0),
    width: fc.constantFrom(2 ** 51, 2 ** 30),
    step: fc.option(fc.constantFrom(1, 7, 2 ** 20), { nil: undefined }),
  });
  return fc.oneof({ weight: 8, arbitrary: small }, { weight: 1, arbitrary: huge }).map(({ min, width, step }) => ({
    min,
    max: min + width,
    step: step ?? 1,
    minText: String(min),
    maxText: String(min + width),
    stepText: step === undefined ? '' : String(step),
  }));
}

function numericParameter(name: string, kind: 'int' | 'double', finite: boolean): fc.Arbitrary<NumericModel> {
  return fc
    .constantFrom(...DISTRIBUTIONS)
    .chain((distribution) =>
      fc.record({
        distribution: fc.constant(distribution),
        shape: kind === 'int' ? intShape(isLog(distribution)) : doubleShape(isLog(distribution), finite),
      }),
    )
    .chain(({ distribution, shape }) =>
      fc.record({ distribution: fc.constant(distribution), shape: fc.constant(shape), min: spell(shape.min, shape.minText), max: spell(shape.max, shape.maxText) }),
    )
    .map(({ distribution, shape, min, max }) => {
      const spec: ParameterSpec = {
        name,
        parameter_type: kind === 'int' ? 'INT' : 'DOUBLE',
        feasible_space: { min, max, step: shape.stepText, distribution, list: [] },
      };
      return { kind, name, min: shape.min, max: shape.max, step: shape.step, size: numericSize(kind, shape.min, shape.max, shape.step), spec };
    });
}

/** DISCRETE numbers, distinct by value, in any spelling and order. */
function discreteParameter(name: string): fc.Arbitrary<ListModel> {
  const number = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -1000, max: 1000 }).map((n) => ({ value: n, text: String(n) })) },
    { weight: 4, arbitrary: fc.tuple(fc.integer({ min: -10_000, max: 10_000 }), fc.integer({ min: 1, max: 4 })).map(([a, d]) => ({ value: decimal(a, d), text: (a / 10 ** d).toFixed(d) })) },
    { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }).map((value) => ({ value: value === 0 ? 0 : value, text: String(value) })) },
  );
  return fc
    .uniqueArray(number, { minLength: 1, maxLength: 8, selector: (entry) => entry.value })
    .chain((entries) => fc.tuple(...entries.map((entry) => spell(entry.value, entry.text))))
    .chain((texts) => fc.record({ texts: fc.constant(texts), distribution: fc.constantFrom(...DISTRIBUTIONS) }))
    .map(({ texts, distribution }) => ({
      kind: 'discrete' as const,
      name,
      values: texts,
      size: texts.length,
      spec: { name, parameter_type: 'DISCRETE', feasible_space: { list: texts, distribution, min: '', max: '', step: '' } },
    }));
}

/** CATEGORICAL strings: any Unicode, empty and control characters included, matched exactly. */
function categoricalParameter(name: string): fc.Arbitrary<ListModel> {
  const value = fc.oneof(fc.constantFrom('adam', 'sgd', '', ' ', 'a\u0000', '\u0000b', '日本'), fc.string({ maxLength: 6, unit: 'binary' }));
  return fc.record({ values: fc.uniqueArray(value, { minLength: 1, maxLength: 8 }), distribution: fc.constantFrom(...DISTRIBUTIONS) }).map(({ values, distribution }) => ({
    kind: 'categorical' as const,
    name,
    values,
    size: values.length,
    spec: { name, parameter_type: 'CATEGORICAL', feasible_space: { list: values, distribution, min: '', max: '', step: '' } },
  }));
}

const KINDS = ['int', 'double', 'discrete', 'categorical'] as const;

function parameter(name: string, finite: boolean): fc.Arbitrary<ParameterModel> {
  return fc.constantFrom(...KINDS).chain((kind): fc.Arbitrary<ParameterModel> => {
    if (kind === 'discrete') return discreteParameter(name);
    if (kind === 'categorical') return categoricalParameter(name);
    return numericParameter(name, kind, finite);
  });
}

/** A valid search space: 1 to `maxParameters` parameters of random kinds. */
export function searchSpace(options: SpaceOptions): fc.Arbitrary<SpaceModel> {
  return fc
    .integer({ min: 1, max: options.maxParameters })
    .chain(parameterNames)
    .chain((names) => fc.tuple(...names.map((name) => parameter(name, options.finite))))
    .map((parameters) => spaceModel(parameters));
}
