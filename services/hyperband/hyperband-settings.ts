import { integerSetting, numberSetting, type ParsedSettings, type Setting } from '../../shared/settings/settings-schema.js';
import { parseDecimal } from '../../shared/space/numbers.js';

/**
 * The setting our replies carry and Katib merges into later requests: what each bracket has handed out
 * (progress-record.ts). Users never write it.
 */
export const PROGRESS_SETTING = 'hyperband_progress';

/**
 * The stock service keeps its position in the settings of its replies (Katib merges them into later
 * requests just as it merges ours). Accepted so an Experiment that carries them runs, and ignored: our position
 * comes from hyperband_progress and the trials.
 */
function stockState(name: string): Setting<null> {
  return { names: [name], expected: 'any value (ignored)', defaultValue: null, parse: () => null };
}

/** A non-empty string. */
function textSetting(names: readonly string[], expected: string): Setting<string | undefined> {
  return { names, expected, defaultValue: undefined, parse: (text) => (text === '' ? undefined : text) };
}

/** eta: a real number of at least 2, as the paper allows; the stock service reads it as a float too. */
const etaSetting: Setting<number> = {
  names: ['eta'],
  expected: 'a number >= 2 (each rung keeps the best 1/eta of the rung below)',
  defaultValue: 3,
  parse(text) {
    const value = parseDecimal(text);
    return value !== undefined && value >= 2 ? value : undefined;
  },
};

export const hyperbandSettings = {
  /** Required: the INT or DOUBLE parameter that is each trial's budget (epochs, steps, a data fraction). */
  resourceName: textSetting(['resource_name'], 'the name of an INT or DOUBLE parameter'),
  /** Required: the largest budget, R in the paper. */
  maxBudget: numberSetting(['r_l'], { above: 0 }, undefined),
  eta: etaSetting,
  randomState: integerSetting(['random_state'], { min: 0 }, undefined),
  progress: textSetting([PROGRESS_SETTING], 'the record a hyperband reply wrote'),
  stockSMax: stockState('s_max'),
  stockBudgetTotal: stockState('b_l'),
  stockBudget: stockState('r'),
  stockCount: stockState('n'),
  stockBracket: stockState('current_s'),
  stockRung: stockState('current_i'),
  stockEvaluating: stockState('evaluating_trials'),
};

export type HyperbandSettings = ParsedSettings<typeof hyperbandSettings>;
