import fc from 'fast-check';
import type { Experiment } from '../../../shared/wire/generated/api/v1/beta1/Experiment.js';
import type { GetSuggestionsRequest } from '../../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { ParameterSpec } from '../../../shared/wire/generated/api/v1/beta1/ParameterSpec.js';
import { history, type HistoryCase } from './history-arbitraries.js';
import { searchSpace } from './space-arbitraries.js';
import { isNumeric, spaceModel, type SpaceModel } from './space-model.js';
import type { AlgorithmProfile } from './suggestion-services.js';

/** What a correct service must answer, derived from the case's construction alone. */
export type Expectation =
  | {
      outcome: 'suggestions';
      count: number;
      /** How many of them must be new (the rest repeat trials: the space has no more unused points). */
      distinct: number;
      usedIds: Set<string>;
      space: SpaceModel;
      /** Why the space may hold fewer distinct values than it seems to, so fewer may be new. */
      mayBeExhausted: string | undefined;
    }
  | { outcome: 'error'; code: 'INVALID_ARGUMENT' | 'FAILED_PRECONDITION'; why: string };

export interface SuggestionsCase {
  request: GetSuggestionsRequest;
  expect: Expectation;
}

export interface ValidateCase {
  experiment: Experiment | undefined;
  expect: { outcome: 'ok' } | { outcome: 'error'; code: 'INVALID_ARGUMENT'; why: string };
}

/** Requests Katib allows (1 to 10,000 assignments) mostly, and now and then the ones it never sends. */
function requestCount(maxCount: number): fc.Arbitrary<number> {
  return fc.oneof({ weight: 15, arbitrary: fc.integer({ min: 1, max: maxCount }) }, { weight: 1, arbitrary: fc.constantFrom(0, -1, -(2 ** 31), 10_001, 2 ** 31 - 1) });
}

const metricName = fc.oneof({ weight: 3, arbitrary: fc.constant('loss') }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 8, unit: 'binary' }).filter((name) => name.trim() !== '') });

/** A defect that makes an experiment invalid for every algorithm: a function of the experiment, and its reason. */
interface Defect {
  why: string;
  apply(experiment: Experiment): Experiment;
}

type Parameters = ParameterSpec[];
const withParameters = (experiment: Experiment, change: (parameters: Parameters) => Parameters): Experiment => ({
  ...experiment,
  spec: { ...experiment.spec, parameter_specs: { parameters: change(structuredClone(experiment.spec!.parameter_specs!.parameters!)) } },
});
const atParameter = (index: number, change: (parameter: ParameterSpec) => ParameterSpec) => (experiment: Experiment) =>
  withParameters(experiment, (parameters) => parameters.map((parameter, i) => (i === index ? change(parameter) : parameter)));
const feasible = (parameter: ParameterSpec) => parameter.feasible_space ?? {};

/** The defects that apply to one parameter, by its type. */
function parameterDefects(space: SpaceModel, index: number): fc.Arbitrary<Defect>[] {
  const model = space.parameters[index]!;
  const at = (why: string, change: (parameter: ParameterSpec) => ParameterSpec): Defect => ({ why: `parameter #${index}: ${why}`, apply: atParameter(index, change) });
  const common = [
    fc.constant(at('empty name', (p) => ({ ...p, name: '' }))),
    fc.constantFrom<ParameterSpec['parameter_type']>('UNKNOWN_TYPE', 9 as never).map((type) => at(`parameter_type ${String(type)}`, (p) => ({ ...p, parameter_type: type }))),
  ];
  if (model.kind === 'discrete' || model.kind === 'categorical') {
    return [
      ...common,
      // A value listed twice, or a DISCRETE value that is no number, is run (with a warning), not refused.
      fc.constant(at('empty list', (p) => ({ ...p, feasible_space: { ...feasible(p), list: [] } }))),
    ];
  }
  const setField = (field: 'min' | 'max' | 'step', text: string) => at(`${field} ${JSON.stringify(text)}`, (p) => ({ ...p, feasible_space: { ...feasible(p), [field]: text } }));
  const defects = [
    ...common,
    fc.constantFrom('abc', '', 'NaN', 'Infinity', '1e400', '0x10', '1,5').chain((bad) => fc.constantFrom(setField('min', bad), setField('max', bad))),
    fc.constantFrom('0', '-1', '-0', 'abc').map((bad) => setField('step', bad)),
    fc.constant(at('no feasible_space', (p) => ({ ...p, feasible_space: null }))),
    fc.constant(at('distribution 7', (p) => ({ ...p, feasible_space: { ...feasible(p), distribution: 7 as never } }))),
    // A log-scale min of 0 or below is raised (with a warning); only a range with no value above 0 is refused.
    fc.constantFrom('0', '-1').map((max) =>
      at(`LOG_UNIFORM on [-2, ${max}]`, (p) => ({ ...p, feasible_space: { ...feasible(p), min: '-2', max, distribution: 'LOG_UNIFORM' } })),
    ),
  ];
  if (model.kind === 'double' || model.kind === 'int') {
    if (model.min < model.max) {
      defects.push(fc.constant(at('min greater than max', (p) => ({ ...p, feasible_space: { ...feasible(p), min: feasible(p).max!, max: feasible(p).min! } }))));
    }
  }
  if (model.kind === 'int') {
    defects.push(fc.constant(at('INT min 0.5', (p) => ({ ...p, feasible_space: { ...feasible(p), min: '0.5' } }))));
    defects.push(fc.constant(at('INT with more values than 2^53', (p) => ({ ...p, feasible_space: { ...feasible(p), min: '-9007199254740991', max: '9007199254740991', step: '', distribution: 'UNIFORM' } }))));
  }
  return defects;
}

function experimentDefect(space: SpaceModel, profile: AlgorithmProfile, names: readonly string[]): fc.Arbitrary<Defect> {
  const spec = (change: (spec: NonNullable<Experiment['spec']>) => NonNullable<Experiment['spec']>) => (experiment: Experiment) => ({ ...experiment, spec: change(experiment.spec!) });
  const whole: fc.Arbitrary<Defect>[] = [
    fc.constant({ why: 'no parameters', apply: (e: Experiment) => withParameters(e, () => []) }),
    fc.constant({ why: 'a parameter declared twice', apply: (e: Experiment) => withParameters(e, (p) => [...p, p[0]!]) }),
    fc.constantFrom<Defect>(
      { why: 'objective type UNKNOWN', apply: spec((s) => ({ ...s, objective: { ...s.objective, type: 'UNKNOWN' } })) },
      { why: 'objective type 5', apply: spec((s) => ({ ...s, objective: { ...s.objective, type: 5 as never } })) },
      { why: 'empty objective metric name', apply: spec((s) => ({ ...s, objective: { ...s.objective, objective_metric_name: '' } })) },
      { why: 'blank objective metric name', apply: spec((s) => ({ ...s, objective: { ...s.objective, objective_metric_name: ' \t' } })) },
      { why: 'no objective', apply: spec((s) => ({ ...s, objective: null })) },
      { why: 'no algorithm', apply: spec((s) => ({ ...s, algorithm: null })) },
      { why: 'no spec', apply: (e) => ({ ...e, spec: null }) },
    ),
    fc.string({ maxLength: 12 }).filter((name) => !names.includes(name)).map((name) => ({
      why: `algorithm ${JSON.stringify(name)} not served`,
      apply: spec((s) => ({ ...s, algorithm: { ...s.algorithm, algorithm_name: name } })),
    })),
    profile.invalidSetting.map((bad) => ({
      why: `setting ${JSON.stringify(bad)}`,
      apply: spec((s) => ({ ...s, algorithm: { ...s.algorithm, algorithm_settings: [...(s.algorithm?.algorithm_settings ?? []), bad] } })),
    })),
    ...space.parameters.flatMap((_, index) => parameterDefects(space, index)),
  ];
  if (profile.needsFiniteSpace) {
    whole.push(
      fc.constant({
        why: 'grid with a continuous DOUBLE',
        apply: (e: Experiment) => withParameters(e, (p) => [...p, { name: `\u0001continuous`, parameter_type: 'DOUBLE', feasible_space: { min: '0', max: '1' } }]),
      }),
    );
  }
  return fc.oneof(...whole);
}

interface ExperimentCase {
  experiment: Experiment;
  space: SpaceModel;
  defect: string | undefined;
  metricName: string;
}

/** A valid experiment for the profile's algorithm, and in about one case in six a defect that makes it invalid. */
export function experimentCase(profile: AlgorithmProfile, serviceAlgorithms: readonly string[], maxParameters = 4): fc.Arbitrary<ExperimentCase> {
  const budget = profile.budget?.parameter;
  return searchSpace({ finite: profile.needsFiniteSpace, maxParameters })
    .map((space) => (budget === undefined ? space : spaceModel([...space.parameters, budget])))
    .chain((space) =>
      fc.record({
        space: fc.constant(space),
        name: fc.string({ maxLength: 16, unit: 'binary' }),
        metricName,
        type: fc.constantFrom('MINIMIZE', 'MAXIMIZE') as fc.Arbitrary<'MINIMIZE' | 'MAXIMIZE'>,
        settings: profile.validSettings,
        maxTrials: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })),
        parallel: fc.integer({ min: 0, max: 64 }),
        defect: fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: experimentDefect(space, profile, serviceAlgorithms) }),
      }),
    )
    .map(({ space, name, metricName: metric, type, settings, maxTrials, parallel, defect }) => {
      const experiment: Experiment = {
        name,
        spec: {
          parameter_specs: { parameters: space.parameters.map((parameter) => parameter.spec) },
          objective: { type, objective_metric_name: metric, goal: 0, additional_metric_names: [] },
          algorithm: { algorithm_name: profile.algorithm.name, algorithm_settings: settings },
          max_trial_count: maxTrials,
          parallel_trial_count: parallel,
        },
      };
      return { experiment: defect ? defect.apply(experiment) : experiment, space, defect: defect?.why ?? tooWideParameter(space), metricName: metric };
    });
}

/** A GetSuggestions request with random history and count, and what the answer must be. */
export function suggestionsCase(profile: AlgorithmProfile, serviceAlgorithms: readonly string[]): fc.Arbitrary<SuggestionsCase> {
  return experimentCase(profile, serviceAlgorithms)
    .chain((base) =>
      fc.record({
        base: fc.constant(base),
        history: history(base.space, { maxTrials: profile.maxHistory, hostileShare: 0.1, metricName: base.metricName }),
        count: requestCount(profile.maxCount),
        total: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        dropExperiment: fc.integer({ min: 0, max: 99 }).map((n) => n === 0),
      }),
    )
    .map(({ base, history: past, count, total, dropExperiment }) => ({
      request: {
        ...(dropExperiment ? {} : { experiment: base.experiment }),
        trials: past.trials,
        current_request_number: count,
        total_request_number: total,
      },
      expect: dropExperiment ? { outcome: 'error', code: 'INVALID_ARGUMENT', why: 'no experiment' } : expectation(base, past, count),
    }));
}

function expectation(base: ExperimentCase, past: HistoryCase, count: number): Expectation {
  if (base.defect !== undefined) return { outcome: 'error', code: 'INVALID_ARGUMENT', why: base.defect };
  if (!(count >= 1 && count <= 10_000)) return { outcome: 'error', code: 'INVALID_ARGUMENT', why: `current_request_number ${count}` };
  if (past.hostile !== undefined) return { outcome: 'error', code: 'INVALID_ARGUMENT', why: past.hostile };
  // An exhausted space is answered with repeats (Katib would retry an error for ever): only the free points are new.
  const remaining = base.space.size - past.usedIds.size;
  return {
    outcome: 'suggestions',
    count,
    distinct: Math.min(count, remaining),
    usedIds: past.usedIds,
    space: base.space,
    mayBeExhausted: narrowContinuousParameter(base.space),
  };
}

/** A range whose width max - min is not a double: a valid-looking spec that no encoding can serve. */
function tooWideParameter(space: SpaceModel): string | undefined {
  const wide = space.parameters.find((parameter) => isNumeric(parameter) && !Number.isFinite(parameter.max - parameter.min));
  return wide === undefined ? undefined : `parameter ${JSON.stringify(wide.name)}: max - min overflows`;
}

/**
 * Doubles travel with twelve significant digits (design.md), so a continuous range only a few such steps wide has
 * few distinct values however "continuous" it is; a service may then repeat trials before the count says so.
 */
function narrowContinuousParameter(space: SpaceModel): string | undefined {
  for (const parameter of space.parameters) {
    if (parameter.kind !== 'double' || parameter.size !== Infinity) continue;
    const magnitude = Math.max(Math.abs(parameter.min), Math.abs(parameter.max), Number.MIN_VALUE);
    // The coarser of the twelfth decimal digit and the spacing of doubles (subnormals are 5e-324 apart).
    const resolution = Math.max(10 ** (Math.floor(Math.log10(magnitude)) - 11), magnitude * 2 ** -52, Number.MIN_VALUE);
    if ((parameter.max - parameter.min) / resolution < 1e4) return `parameter ${JSON.stringify(parameter.name)} has few 12-digit values in [${parameter.min}, ${parameter.max}]`;
  }
  return undefined;
}

/** A Validate request and its answer: a defect is INVALID_ARGUMENT; grid also refuses max_trial_count beyond its size. */
export function validateCase(profile: AlgorithmProfile, serviceAlgorithms: readonly string[]): fc.Arbitrary<ValidateCase> {
  return fc.tuple(experimentCase(profile, serviceAlgorithms), fc.integer({ min: 0, max: 99 })).map(([base, roll]) => {
    if (roll === 0) return { experiment: undefined, expect: { outcome: 'error', code: 'INVALID_ARGUMENT', why: 'no experiment' } };
    if (base.defect !== undefined) return { experiment: base.experiment, expect: { outcome: 'error', code: 'INVALID_ARGUMENT', why: base.defect } };
    const maxTrials = base.experiment.spec!.max_trial_count!;
    if (profile.needsFiniteSpace && maxTrials > base.space.size) {
      return { experiment: base.experiment, expect: { outcome: 'error', code: 'INVALID_ARGUMENT', why: `max_trial_count ${maxTrials} > grid size ${base.space.size}` } };
    }
    return { experiment: base.experiment, expect: { outcome: 'ok' } };
  });
}
