import fc from 'fast-check';
import type { Trial } from '../../../shared/wire/generated/api/v1/beta1/Trial.js';
import { isNumeric, type ListModel, type NumericModel, type ParameterModel, type SpaceModel } from './space-model.js';

/**
 * Random trial histories for a space: every trial state, metric values that are numbers, garbage or missing,
 * repeated assignments, and (when asked) hostile trials whose assignments no valid request can carry.
 */

/** A trial value and its identity in the space model (see space-model.ts). */
interface TrialValue {
  text: string;
  id: string;
}

export interface HistoryCase {
  trials: Trial[];
  /** Identities of the distinct points the trials occupy. */
  usedIds: Set<string>;
  /** Why the history cannot be served (a hostile trial), or undefined for a valid history. */
  hostile: string | undefined;
}

const CONDITIONS = ['CREATED', 'RUNNING', 'SUCCEEDED', 'KILLED', 'FAILED', 'METRICSUNAVAILABLE', 'EARLYSTOPPED', 'UNKNOWN'] as const;

/** Anything a training script might have printed as the objective's value. */
const metricValue = fc.oneof(
  { weight: 6, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 }).map(String) },
  { weight: 2, arbitrary: fc.double().map(String) },
  { weight: 2, arbitrary: fc.constantFrom('nan', 'NaN', 'inf', '-Infinity', '1e999', '-1e999', '', ' ', '0x1F', '1,5', '1_000', '١٢', '--1', '.', 'e5', ' 0.5 ') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12, unit: 'binary' }) },
);

function numericValue(parameter: NumericModel): fc.Arbitrary<TrialValue> {
  const { min, max, size } = parameter;
  if (size === Infinity) {
    return fc.tuple(fc.double({ min, max, noNaN: true }), fc.integer({ min: 6, max: 17 })).map(([value, digits]) => {
      // A shorter spelling of the same number as often as not; both must stay within [min, max].
      const short = value.toPrecision(digits);
      const text = Number(short) >= min && Number(short) <= max ? short : String(value);
      return { text, id: `d${Number(text)}` };
    });
  }
  const step = parameter.step ?? 1;
  return fc.tuple(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), fc.boolean()).map(([u, short]) => {
    const index = Math.min(size - 1, Math.floor(u * size));
    const value = min + index * step;
    if (parameter.kind === 'int') return { text: short ? String(value) : `${value}.0`, id: `i${value}` };
    return { text: short ? String(Number(value.toPrecision(12))) : String(value), id: `k${index}` };
  });
}

function listValue(parameter: ListModel): fc.Arbitrary<TrialValue> {
  return fc.integer({ min: 0, max: parameter.size - 1 }).chain((index) => {
    const text = parameter.values[index]!;
    if (parameter.kind === 'categorical') return fc.constant({ text, id: `c${index}` });
    // DISCRETE values are recognised by value: "0.50" is the value "0.5".
    const value = Number(text.trim());
    return fc.constantFrom(text, String(value)).map((spelling) => ({ text: spelling, id: `n${value}` }));
  });
}

function parameterValue(parameter: ParameterModel): fc.Arbitrary<TrialValue> {
  return isNumeric(parameter) ? numericValue(parameter) : listValue(parameter);
}

/** A text that is not a value of `parameter`, whatever the spelling rules. */
function outsideValue(parameter: ParameterModel): fc.Arbitrary<string> {
  switch (parameter.kind) {
    case 'categorical': {
      let text = `${parameter.values.join('')}\u2603`;
      while (parameter.values.includes(text)) text += '\u2603';
      return fc.constant(text);
    }
    case 'discrete': {
      const values = parameter.values.map((text) => Number(text.trim()));
      const beyond = 2 * (Math.max(...values.map(Math.abs)) + 1);
      return fc.constantFrom(String(beyond), 'abc', '', 'NaN');
    }
    default: {
      const margin = Math.abs(parameter.max) + Math.abs(parameter.min) + (parameter.max - parameter.min) + 1;
      const texts = [String(parameter.max + margin), String(parameter.min - margin), 'abc', '', 'NaN', 'Infinity', '1e400', '0x1A'];
      const magnitude = Math.max(Math.abs(parameter.min), Math.abs(parameter.max));
      if (parameter.kind === 'int' && magnitude < 1e6 && parameter.max > parameter.min) texts.push(String(parameter.min + 0.5));
      return fc.constantFrom(...texts);
    }
  }
}

/** A point of the space as assignments, with its identity. */
function point(space: SpaceModel): fc.Arbitrary<{ assignments: { name: string; value: string }[]; id: string }> {
  return fc.tuple(...space.parameters.map(parameterValue)).map((values) => ({
    assignments: values.map((value, index) => ({ name: space.parameters[index]!.name, value: value.text })),
    id: JSON.stringify(values.map((value) => value.id)),
  }));
}

type Assignments = { name: string; value: string }[];

/** Ways to make a trial's assignments unusable; each must get INVALID_ARGUMENT. */
function hostileAssignments(space: SpaceModel, valid: Assignments): fc.Arbitrary<{ assignments: Assignments | undefined; why: string }> {
  const names = new Set(space.parameters.map((parameter) => parameter.name));
  const unknownName = fc.string({ minLength: 1, maxLength: 8 }).filter((name) => !names.has(name));
  const which = fc.integer({ min: 0, max: space.parameters.length - 1 });
  return fc.oneof(
    unknownName.map((name) => ({ assignments: [...valid, { name, value: '1' }], why: `unknown parameter ${JSON.stringify(name)}` })),
    which.map((index) => ({ assignments: valid.filter((_, i) => i !== index), why: `missing parameter #${index}` })),
    which.map((index) => ({ assignments: [...valid, valid[index]!], why: `parameter #${index} assigned twice` })),
    which.chain((index) =>
      outsideValue(space.parameters[index]!).map((text) => ({
        assignments: valid.map((assignment, i) => (i === index ? { ...assignment, value: text } : assignment)),
        why: `parameter #${index} = ${JSON.stringify(text)} is outside the space`,
      })),
    ),
    fc.constant({ assignments: undefined, why: 'a trial without a spec' }),
  );
}

function status(metricName: string): fc.Arbitrary<Trial['status']> {
  const metrics = fc.array(
    fc.oneof(
      { weight: 4, arbitrary: metricValue.map((value) => ({ name: metricName, value })) },
      { weight: 1, arbitrary: fc.record({ name: fc.string({ maxLength: 6 }), value: metricValue }) },
    ),
    { maxLength: 3 },
  );
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(undefined) },
    {
      weight: 12,
      arbitrary: fc.record({
        // Now and then a condition number this proto does not define.
        // SUCCEEDED most often, so that the model-based algorithms get past their start-up; now and then a
        // condition number this proto does not define.
        condition: fc.oneof(
          { weight: 12, arbitrary: fc.constant('SUCCEEDED') },
          { weight: 12, arbitrary: fc.constantFrom(...CONDITIONS) },
          { weight: 1, arbitrary: fc.constantFrom(8, 99) },
        ) as fc.Arbitrary<(typeof CONDITIONS)[number]>,
        observation: fc.option(metrics.map((list) => ({ metrics: list })), { nil: undefined, freq: 4 }),
        start_time: fc.constantFrom('', '2024-01-01T00:00:00Z', 'yesterday'),
      }),
    },
  );
}

export interface HistoryOptions {
  maxTrials: number;
  /** Include hostile trials in about this share of histories. */
  hostileShare: number;
  metricName: string;
}

/**
 * A history of up to `maxTrials` trials. In a small finite space it sometimes covers most of the space, so that
 * requests meet exhaustion; trials repeat earlier points now and then, as stock services' duplicates would.
 */
export function history(space: SpaceModel, options: HistoryOptions): fc.Arbitrary<HistoryCase> {
  const fill = Number.isFinite(space.size) && space.size <= options.maxTrials;
  const count = fill
    ? fc.oneof(fc.integer({ min: 0, max: options.maxTrials }), fc.integer({ min: Math.max(0, space.size - 3), max: space.size + 2 }))
    : fc.integer({ min: 0, max: options.maxTrials });
  const entry = fc.record({
    fresh: point(space),
    repeat: fc.nat(),
    repeats: fc.integer({ min: 0, max: 9 }).map((n) => n === 0),
    status: status(options.metricName),
    name: fc.oneof(fc.constant(''), fc.string({ maxLength: 10 })),
  });
  const hostileCount = fc.oneof({ weight: Math.round(100 * (1 - options.hostileShare)), arbitrary: fc.constant(0) }, { weight: Math.round(100 * options.hostileShare), arbitrary: fc.integer({ min: 1, max: 2 }) });
  return fc
    .tuple(fc.array(entry, { minLength: 0, maxLength: options.maxTrials }), count, hostileCount)
    .chain(([entries, length, hostiles]) => {
      const trials = entries.slice(0, length);
      const placed: { assignments: Assignments; id: string }[] = [];
      for (const trial of trials) placed.push(trial.repeats && placed.length > 0 ? placed[trial.repeat % placed.length]! : trial.fresh);
      const valid: HistoryCase = {
        trials: trials.map((trial, i) => ({
          name: trial.name,
          spec: { parameter_assignments: { assignments: placed[i]!.assignments } },
          status: trial.status ?? null,
        })),
        usedIds: new Set(placed.map((p) => p.id)),
        hostile: undefined,
      };
      if (hostiles === 0 || trials.length === 0) return fc.constant(valid);
      return fc
        .tuple(...Array.from({ length: hostiles }, () => fc.nat(trials.length - 1).chain((at) => hostileAssignments(space, placed[at]!.assignments).map((h) => ({ at, ...h })))))
        .map((changes) => {
          const spoiled = valid.trials.map((trial) => ({ ...trial }));
          for (const change of changes) {
            spoiled[change.at] = change.assignments === undefined
              ? { ...spoiled[change.at]!, spec: null }
              : { ...spoiled[change.at]!, spec: { parameter_assignments: { assignments: change.assignments } } };
          }
          return { trials: spoiled, usedIds: valid.usedIds, hostile: changes.map((change) => `trial #${change.at}: ${change.why}`).join('; ') };
        });
    });
}
