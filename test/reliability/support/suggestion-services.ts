import fc from 'fast-check';
import { CATALOGUE } from '../../../services/catalogue.js';
import type { AnySuggestionAlgorithm } from '../../../shared/algorithm/suggestion-algorithm.js';
import { settingNames } from '../../../shared/settings/settings-schema.js';
import type { NumericModel } from './space-model.js';

/** A setting as it travels in an Experiment. */
export interface SettingText {
  name: string;
  value: string;
}

/** How the fuzzer treats one algorithm: the settings it accepts and refuses, and how big its requests may be. */
export interface AlgorithmProfile extends FuzzProfile {
  algorithm: AnySuggestionAlgorithm;
}

interface FuzzProfile {
  /** Sets of settings the algorithm must accept (any subset, any spelling it documents). */
  validSettings: fc.Arbitrary<SettingText[]>;
  /** One setting it must refuse with INVALID_ARGUMENT. */
  invalidSetting: fc.Arbitrary<SettingText>;
  /** Grid: every DOUBLE needs a step. */
  needsFiniteSpace: boolean;
  /** Trials per fuzzed request: the model-based algorithms stay small so that thousands of cases fit in CI. */
  maxHistory: number;
  /** Largest current_request_number of an in-range fuzzed request. */
  maxCount: number;
  /** A parameter added to every fuzzed space (hyperband's budget), and the settings every experiment must carry for it. */
  budget?: { parameter: NumericModel; settings: SettingText[] };
}

/** A suggestion service of services/<service>/ and the algorithms its main.ts registers. */
export interface SuggestionService {
  service: string;
  profiles: AlgorithmProfile[];
}

const nonNegativeInteger = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 0, max: 2 ** 31 - 1 })).map(String);
const spaced = (value: fc.Arbitrary<string>) => fc.tuple(value, fc.constantFrom('', ' ', '\t')).map(([text, pad]) => `${pad}${text}${pad}`);
const setting = (name: string, value: fc.Arbitrary<string>) => value.map((text) => ({ name, value: text }));
/** Values no integer setting accepts. */
const notANonNegativeInteger = fc.constantFrom('-1', '1.5', 'seven', '', '0x10', '1e400', 'NaN', '9007199254740993');
const unknownSetting = fc
  .string({ minLength: 1, maxLength: 12 })
  .filter((name) => !KNOWN_SETTING_NAMES.has(name))
  .map((name) => ({ name, value: '1' }));
const KNOWN_SETTING_NAMES = new Set(
  CATALOGUE.filter((entry) => entry.kind === 'suggestion').flatMap((entry) =>
    entry.algorithms.flatMap((algorithm) => settingNames(algorithm.settings)),
  ),
);

/** A subset of `choices`, each setting at most once. */
function someOf(choices: Record<string, fc.Arbitrary<string>>): fc.Arbitrary<SettingText[]> {
  const entries = Object.entries(choices).map(([name, value]) => fc.option(setting(name, spaced(value)), { nil: undefined }));
  return fc.tuple(...entries).map((picked) => picked.filter((entry): entry is SettingText => entry !== undefined));
}

const randomProfile: FuzzProfile = {
  validSettings: someOf({ random_state: nonNegativeInteger }),
  invalidSetting: fc.oneof(setting('random_state', notANonNegativeInteger), unknownSetting),
  needsFiniteSpace: false,
  maxHistory: 40,
  maxCount: 40,
};

const gridProfile: FuzzProfile = {
  validSettings: someOf({ random_state: nonNegativeInteger }),
  invalidSetting: fc.oneof(setting('random_state', notANonNegativeInteger), unknownSetting),
  needsFiniteSpace: true,
  maxHistory: 40,
  maxCount: 40,
};

/** Both TPE algorithms share their settings; the start-up count is kept low so the estimator, not random start-up, runs. */
const tpeProfile: FuzzProfile = {
  validSettings: someOf({
    gamma: fc.double({ min: 0.01, max: 0.99, noNaN: true }).map((value) => String(value)),
    prior_weight: fc.constantFrom('0.5', '1', '2.5', '1e-3'),
    n_ei_candidates: fc.integer({ min: 1, max: 48 }).map(String),
    n_startup_trials: fc.integer({ min: 0, max: 6 }).map(String),
    random_state: nonNegativeInteger,
  }),
  invalidSetting: fc.oneof(
    setting('gamma', fc.constantFrom('0', '1', '-0.5', '2', 'half', '')),
    setting('prior_weight', fc.constantFrom('0', '-1', 'heavy')),
    setting('n_ei_candidates', fc.constantFrom('0', '100001', '2.5', 'many')),
    setting('n_startup_trials', notANonNegativeInteger),
    setting('seed', notANonNegativeInteger),
    unknownSetting,
  ),
  needsFiniteSpace: false,
  maxHistory: 24,
  maxCount: 8,
};

/**
 * Fitting a GP costs ~0.1-1 s a call on the CI machine, so most fuzzed requests stay in the initial design
 * (n_initial_points unset or above the history size) and a few percent reach the model.
 */
const bayesianProfile: FuzzProfile = {
  validSettings: fc
    .tuple(
      someOf({
        base_estimator: fc.constant('GP'),
        acq_func: fc.constantFrom('gp_hedge', 'EI', 'PI', 'LCB'),
        acq_optimizer: fc.constantFrom('auto', 'sampling', 'lbfgs'),
        random_state: nonNegativeInteger,
      }),
      fc.oneof(
        { weight: 3, arbitrary: fc.constant<SettingText[]>([]) },
        { weight: 1, arbitrary: fc.integer({ min: 0, max: 3 }).map((n) => [{ name: 'n_initial_points', value: String(n) }]) },
      ),
    )
    .map(([rest, initial]) => [...rest, ...initial]),
  invalidSetting: fc.oneof(
    setting('base_estimator', fc.constantFrom('RF', 'ET', 'GBRT', 'gp', '')),
    setting('acq_func', fc.constantFrom('EIps', 'PIps', 'ei', 'UCB', '')),
    setting('acq_optimizer', fc.constantFrom('adam', 'LBFGS', '')),
    setting('n_initial_points', notANonNegativeInteger),
    unknownSetting,
  ),
  needsFiniteSpace: false,
  maxHistory: 8,
  maxCount: 4,
};

/** CMA-ES replays every generation from the request: histories stay mid-sized, enough for several generations. */
const cmaesProfile: FuzzProfile = {
  validSettings: someOf({
    sigma: fc.oneof(fc.double({ min: 1e-6, max: 10, noNaN: true }), fc.constantFrom(1e-300, 1e6)).map((value) => String(value)),
    restart_strategy: fc.constantFrom('none', 'ipop', 'bipop'),
    random_state: nonNegativeInteger,
  }),
  invalidSetting: fc.oneof(
    setting('sigma', fc.constantFrom('0', '-0.1', '-1e-300', 'wide', '', '1e400', 'NaN')),
    setting('restart_strategy', fc.constantFrom('IPOP', 'restart', 'lpop', '')),
    setting('random_state', notANonNegativeInteger),
    unknownSetting,
  ),
  needsFiniteSpace: false,
  maxHistory: 40,
  maxCount: 16,
};

/**
 * Hyperband sets its budget parameter's values itself, from r_l and eta: every space gets an INT budget in
 * [1, 9], and r_l 9 with these eta values keeps every budget inside it, from 1 up (eta 2: 1, 2, 4, 9).
 */
const HYPERBAND_BUDGET = 'budget\u0002';
const HYPERBAND_REQUIRED_SETTINGS: SettingText[] = [
  { name: 'resource_name', value: HYPERBAND_BUDGET },
  { name: 'r_l', value: '9' },
];
const hyperbandProfile: FuzzProfile = {
  validSettings: someOf({ eta: fc.constantFrom('2', '2.5', '3', '3.0', '9'), random_state: nonNegativeInteger }).map((rest) => [
    ...HYPERBAND_REQUIRED_SETTINGS,
    ...rest,
  ]),
  invalidSetting: fc.oneof(
    setting('eta', fc.constantFrom('1', '1.99', '0', '-3', 'x', '')),
    setting('r_l', fc.constantFrom('0', '-1', 'abc', '', '0.5')),
    setting('resource_name', fc.constantFrom('', 'no such parameter')),
    setting('random_state', notANonNegativeInteger),
    unknownSetting,
  ),
  needsFiniteSpace: false,
  maxHistory: 40,
  maxCount: 40,
  budget: {
    parameter: {
      kind: 'int',
      name: HYPERBAND_BUDGET,
      min: 1,
      max: 9,
      step: 1,
      size: 9,
      spec: { name: HYPERBAND_BUDGET, parameter_type: 'INT', feasible_space: { min: '1', max: '9', step: '', distribution: 'UNIFORM', list: [] } },
    },
    settings: HYPERBAND_REQUIRED_SETTINGS,
  },
};

/** The fuzz profile of every suggestion algorithm of the catalogue, by its Katib name. */
const PROFILES: Record<string, FuzzProfile> = {
  random: randomProfile,
  grid: gridProfile,
  tpe: tpeProfile,
  'multivariate-tpe': tpeProfile,
  bayesianoptimization: bayesianProfile,
  sobol: randomProfile,
  cmaes: cmaesProfile,
  hyperband: hyperbandProfile,
};

function profileOf(algorithm: AnySuggestionAlgorithm): AlgorithmProfile {
  const profile = PROFILES[algorithm.name];
  if (profile === undefined) throw new Error(`test/reliability/support/suggestion-services.ts has no fuzz profile for ${algorithm.name}`);
  return { algorithm, ...profile };
}

/** Every suggestion service of services/catalogue.ts with its algorithms. */
export const SUGGESTION_SERVICES: readonly SuggestionService[] = CATALOGUE.flatMap((entry) =>
  entry.kind === 'suggestion' ? [{ service: entry.service, profiles: entry.algorithms.map(profileOf) }] : [],
);

/** Early-stopping services, covered by their own reliability tests. */
export const EARLY_STOPPING_SERVICES: readonly string[] = CATALOGUE.filter((entry) => entry.kind === 'early-stopping').map((entry) => entry.service);

/** The algorithm names a service serves. */
export function algorithmNames(service: SuggestionService): string[] {
  return service.profiles.map((profile) => profile.algorithm.name);
}
