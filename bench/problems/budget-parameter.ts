import type { AlgorithmSetting } from '../../shared/wire/generated/api/v1/beta1/AlgorithmSetting.js';
import type { ParameterValues } from './assignment-values.js';
import type { ProblemDefinition } from './problem-catalog.js';

/**
 * Katib algorithms that choose each trial's budget themselves, through a parameter their settings name
 * (hyperband's resource_name): they run only on problems that declare a budget parameter.
 */
export const BUDGET_ALGORITHMS: ReadonlySet<string> = new Set(['hyperband']);

/** The problems a budget algorithm can run on. */
export function budgetProblemNames(problems: readonly ProblemDefinition[]): string[] {
  return problems.filter((problem) => problem.budgetParameter !== undefined).map((problem) => problem.name);
}

/**
 * The problem as an Experiment running `algorithm` with the target's `given` settings declares it: for a budget
 * algorithm its budget parameter joins the search space; for any other the space is the problem's own and every
 * trial trains all its epochs.
 */
export function problemFor(algorithm: string, problem: ProblemDefinition, given: readonly AlgorithmSetting[]): ProblemDefinition {
  if (!BUDGET_ALGORITHMS.has(algorithm)) return problem;
  if (problem.budgetParameter === undefined) {
    // A --target that names its own resource parameter runs on the problem as declared (docs/benchmarks.md's
    // bracket measurement, iris-knn's n_neighbors standing in as the budget).
    if (given.some((setting) => setting.name === 'resource_name')) return problem;
    throw new Error(`${algorithm} chooses each trial's epochs and problem "${problem.name}" declares no budget parameter (budgetParameter in bench/problems/problems.json)`);
  }
  return { ...problem, parameters: [...problem.parameters, problem.budgetParameter] };
}

/**
 * The settings that point hyperband at the problem's budget: resource_name, and r_l the largest budget (every
 * epoch); settings the target gives itself come first and win.
 */
export function budgetSettings(algorithm: string, problem: ProblemDefinition, given: readonly AlgorithmSetting[]): AlgorithmSetting[] {
  const budget = problem.budgetParameter;
  if (!BUDGET_ALGORITHMS.has(algorithm) || budget === undefined) return [...given];
  const defaults = [
    { name: 'resource_name', value: budget.name },
    { name: 'r_l', value: budget.feasibleSpace.max! },
  ].filter((setting) => !given.some((other) => other.name === setting.name));
  return [...given, ...defaults];
}

/** A trial's curve cut at its budget: the epochs the budget parameter gives it, or every epoch when it has none. */
export function cutAtBudget(problem: ProblemDefinition, values: ParameterValues, curve: number[]): number[] {
  const budget = problem.budgetParameter === undefined ? undefined : values[problem.budgetParameter.name];
  return budget === undefined ? curve : curve.slice(0, budget as number);
}
