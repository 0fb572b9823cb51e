import { readFileSync } from 'node:fs';
import { repoPath } from '../../shared/repo-root.js';

/** The Katib parameter kinds, spelled as in an Experiment's spec.parameters. */
export type ParameterType = 'double' | 'int' | 'discrete' | 'categorical';
export type DistributionName = 'uniform' | 'logUniform' | 'normal' | 'logNormal';

/** One parameter, with the field names and string numbers of a Katib Experiment spec. */
export interface ParameterDefinition {
  name: string;
  parameterType: ParameterType;
  feasibleSpace: { min?: string; max?: string; step?: string; list?: string[]; distribution?: DistributionName };
}

export interface ProblemDefinition {
  name: string;
  description: string;
  /** The formula, by the name both languages register it under. */
  function: string;
  objective: { type: 'minimize' | 'maximize'; metricName: string };
  optimum: number;
  optimumNote?: string;
  constants?: unknown;
  /**
   * Learning-curve problems: how many values a trial reports, one per epoch (the objective after each epoch).
   * Absent: a trial reports one value, when it ends.
   */
  epochs?: number;
  /** Run only when named: kept out of the default problem list, so default runs and their mean ranks stay comparable. */
  optIn?: boolean;
  parameters: ParameterDefinition[];
  /**
   * Learning-curve problems: the INT parameter that sets how many epochs a trial trains (from 1 to `epochs`), for
   * algorithms that choose each trial's budget (hyperband). Only those get it in their search space
   * (bench/problems/budget-parameter.ts); for any other a trial trains every epoch, as a user would tune it.
   */
  budgetParameter?: ParameterDefinition;
}

export interface TrialDurationDefinition {
  minSeconds: number;
  maxSeconds: number;
}

export interface ProblemCatalog {
  trialDuration: TrialDurationDefinition;
  problems: ProblemDefinition[];
}

/** bench/problems/problems.json, the one place problems are declared (the Python baselines read it too). */
export const PROBLEMS_FILE = repoPath('bench', 'problems', 'problems.json');

let cached: ProblemCatalog | undefined;

/** The problem catalog, read once and checked for the fields the benchmark relies on. */
export function loadCatalog(): ProblemCatalog {
  cached ??= checkCatalog(JSON.parse(readFileSync(PROBLEMS_FILE, 'utf8')) as ProblemCatalog);
  return cached;
}

/** The named problem's definition, or an error listing the known names. */
export function problemDefinition(name: string): ProblemDefinition {
  const found = loadCatalog().problems.find((problem) => problem.name === name);
  if (found === undefined) {
    throw new Error(`unknown problem "${name}"; known problems: ${problemNames().join(', ')}`);
  }
  return found;
}

export function problemNames(): string[] {
  return loadCatalog().problems.map((problem) => problem.name);
}

/** The problems a run covers when none are named: all but the opt-in ones. */
export function defaultProblemNames(): string[] {
  return loadCatalog().problems.filter((problem) => problem.optIn !== true).map((problem) => problem.name);
}

const PARAMETER_TYPES: readonly string[] = ['double', 'int', 'discrete', 'categorical'];

function checkCatalog(catalog: ProblemCatalog): ProblemCatalog {
  const { minSeconds, maxSeconds } = catalog.trialDuration;
  if (!(Number.isInteger(minSeconds) && Number.isInteger(maxSeconds) && minSeconds >= 1 && maxSeconds >= minSeconds)) {
    throw new Error(`${PROBLEMS_FILE}: trialDuration needs whole minSeconds >= 1 and maxSeconds >= minSeconds`);
  }
  for (const problem of catalog.problems) {
    const where = `${PROBLEMS_FILE}: problem "${problem.name}"`;
    if (problem.objective.type !== 'minimize' && problem.objective.type !== 'maximize') {
      throw new Error(`${where}: objective.type must be minimize or maximize`);
    }
    if (!Number.isFinite(problem.optimum)) throw new Error(`${where}: optimum must be a finite number`);
    if (problem.parameters.length === 0) throw new Error(`${where}: has no parameters`);
    if (problem.epochs !== undefined && !(Number.isInteger(problem.epochs) && problem.epochs >= 1)) {
      throw new Error(`${where}: epochs must be a whole number >= 1`);
    }
    if (problem.budgetParameter !== undefined) checkBudgetParameter(problem, where);
    for (const parameter of problem.parameters) {
      if (!PARAMETER_TYPES.includes(parameter.parameterType)) {
        throw new Error(`${where}: parameter "${parameter.name}" has parameterType "${parameter.parameterType}"`);
      }
    }
  }
  return catalog;
}

/** A budget parameter counts epochs: an INT from 1 up to the problem's epochs, named apart from its other parameters. */
function checkBudgetParameter(problem: ProblemDefinition, where: string): void {
  const budget = problem.budgetParameter!;
  const { min, max } = budget.feasibleSpace;
  if (
    budget.parameterType !== 'int' ||
    min !== '1' ||
    problem.epochs === undefined ||
    max !== String(problem.epochs) ||
    problem.parameters.some((parameter) => parameter.name === budget.name)
  ) {
    throw new Error(`${where}: budgetParameter "${budget.name}" must be a parameter of its own, an int from 1 to the problem's epochs (${problem.epochs ?? 'none'})`);
  }
}
