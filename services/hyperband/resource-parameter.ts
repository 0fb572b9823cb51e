import type { AdaptedParameters } from '../../shared/algorithm/suggestion-algorithm.js';
import { invalidRequest, quote } from '../../shared/errors/service-error.js';
import { formatDouble, parseDecimal } from '../../shared/space/numbers.js';
import type { ParameterSpec } from '../../shared/wire/messages.js';
import { budgetsOf, hyperbandPlan, MAX_TRIALS_PER_RUN, type HyperbandPlan } from './bracket-plan.js';
import type { HyperbandSettings } from './hyperband-settings.js';

const OWNER = 'algorithm hyperband';

/** The plan the settings make, and the parameter whose values are its budgets. */
export interface ResourcePlan {
  plan: HyperbandPlan;
  resourceName: string;
  /** The value a trial's resource parameter gets for `budget`, as Katib hands it to the trial. */
  budgetValue(budget: number): string;
}

/**
 * Checks the settings that must be given (resource_name, r_l) against the parameters and makes the plan, or
 * throws INVALID_ARGUMENT naming the setting, its value and what was expected.
 */
export function resourcePlan(parameters: readonly Pick<ParameterSpec, 'name' | 'parameter_type'>[], settings: HyperbandSettings): ResourcePlan {
  const { resourceName, maxBudget, eta } = settings;
  if (resourceName === undefined) {
    throw invalidRequest(`${OWNER}: setting "resource_name" is missing; expected the name of the INT or DOUBLE parameter that is each trial's budget (epochs, steps, a data fraction)`);
  }
  const parameter = parameters.find((candidate) => candidate.name === resourceName);
  if (parameter === undefined) {
    throw invalidRequest(
      `${OWNER}: setting "resource_name" has value ${quote(resourceName)}, which names no parameter; expected one of the INT or DOUBLE parameters: ${numericNames(parameters)}`,
    );
  }
  if (parameter.parameter_type !== 'INT' && parameter.parameter_type !== 'DOUBLE') {
    throw invalidRequest(
      `${OWNER}: setting "resource_name" has value ${quote(resourceName)}, a ${parameter.parameter_type} parameter; expected an INT or DOUBLE parameter (the budget must be a number): ${numericNames(parameters)}`,
    );
  }
  if (maxBudget === undefined) {
    throw invalidRequest(`${OWNER}: setting "r_l" is missing; expected the largest budget a trial gets, a number > 0 (the most ${quote(resourceName)} of any trial)`);
  }
  const integer = parameter.parameter_type === 'INT';
  if (integer && maxBudget < 1) {
    throw invalidRequest(`${OWNER}: setting "r_l" has value ${quote(String(maxBudget))}; expected a number >= 1, since ${quote(resourceName)} is an INT parameter`);
  }
  const plan = hyperbandPlan(maxBudget, eta, integer);
  if (plan.trialsPerRun > MAX_TRIALS_PER_RUN) {
    throw invalidRequest(
      `${OWNER}: settings "r_l" ${maxBudget} and "eta" ${eta} make ${plan.brackets.length} brackets of ${plan.trialsPerRun} trials in all; expected at most ${MAX_TRIALS_PER_RUN}: give a smaller r_l (in larger units) or a larger eta`,
    );
  }
  return { plan, resourceName, budgetValue: (budget) => (integer ? String(budget) : formatDouble(budget)) };
}

/**
 * The parameters with the resource parameter's range widened to hold the plan's budgets: Hyperband, not the
 * spec, decides its values. The stock service ignores the declared range too (Katib's own example declares
 * num-epochs in [1, 1] and runs it at 1 and 2); a warning says when the budgets leave it. The declared range
 * stays inside the widened one, so a trial with any value of it is still read.
 */
export function budgetParameters(parameters: readonly ParameterSpec[], settings: HyperbandSettings): AdaptedParameters {
  const { plan, resourceName, budgetValue } = resourcePlan(parameters, settings);
  const budgets = budgetsOf(plan);
  const low = budgetValue(budgets[0]!);
  const high = budgetValue(budgets[budgets.length - 1]!);
  const warnings: string[] = [];
  const adapted = parameters.map((parameter) => {
    if (parameter.name !== resourceName) return parameter;
    // The spec as written parsed already, so its bounds are numbers.
    const declared = parameter.feasible_space;
    const min = parseDecimal(declared?.min ?? '') ?? Number(low);
    const max = parseDecimal(declared?.max ?? '') ?? Number(high);
    if (Number(low) < min || Number(high) > max || (declared?.step ?? '') !== '') {
      warnings.push(
        `parameter ${quote(resourceName)} is hyperband's resource: trials get the budgets ${budgets.map(budgetValue).join(', ')} ` +
          `(r_l ${settings.maxBudget}, eta ${settings.eta}), not values of its feasible space (min ${quote(declared?.min ?? '')}, max ${quote(declared?.max ?? '')}${declared?.step ? `, step ${quote(declared.step)}` : ''})`,
      );
    }
    const widened = { min: Number(low) < min ? low : declared!.min, max: Number(high) > max ? high : declared!.max };
    return { ...parameter, feasible_space: { ...widened, step: '', list: [], distribution: 'UNIFORM' as const } };
  });
  return { parameters: adapted, warnings };
}

function numericNames(parameters: readonly Pick<ParameterSpec, 'name' | 'parameter_type'>[]): string {
  const names = parameters.filter((p) => p.parameter_type === 'INT' || p.parameter_type === 'DOUBLE').map((p) => quote(p.name));
  return names.length > 0 ? names.join(', ') : 'the experiment has none';
}
