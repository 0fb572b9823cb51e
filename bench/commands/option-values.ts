import { parseDecimal } from '../../shared/space/numbers.js';
import { BUDGET_ALGORITHMS } from '../problems/budget-parameter.js';
import { builtLocalAlgorithms, LOCAL_ALGORITHMS } from '../targets/local-services.js';
import { localTarget, parseTargetSpec, type Target } from '../targets/target.js';

/** Helpers that turn command-line option strings into checked values, with messages naming the option. */

export function integerOption(name: string, text: string | undefined, fallback: number, min: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min) throw new Error(`--${name} "${text}": expected an integer >= ${min}`);
  return value;
}

/** A positive decimal, kept as written: it travels to the services as text, which they parse the same way. */
export function positiveDecimalOption(name: string, text: string): string {
  const value = parseDecimal(text);
  if (value === undefined || !(value > 0)) throw new Error(`--${name} "${text}": expected a positive decimal number`);
  return text;
}

export function listOption(text: string | undefined): string[] | undefined {
  return text === undefined ? undefined : text.split(',').map((item) => item.trim()).filter((item) => item !== '');
}

export function integerListOption(name: string, text: string | undefined, fallback: number[]): number[] {
  const items = listOption(text);
  if (items === undefined) return fallback;
  return items.map((item) => integerOption(name, item, 0, 1));
}

/** Each requested name must be known; `all` stands for every known one. */
export function namesOption(name: string, text: string | undefined, known: readonly string[]): string[] | undefined {
  const items = listOption(text);
  if (items === undefined) return undefined;
  if (items.length === 1 && items[0] === 'all') return [...known];
  for (const item of items) {
    if (!known.includes(item)) throw new Error(`--${name}: unknown "${item}"; expected some of ${known.join(', ')} (or all)`);
  }
  return items;
}

/** A directory name for this run's output, from the current time. */
export function timestampedName(prefix: string): string {
  return `${prefix}-${new Date().toISOString().replace(/[:.]/g, '-').replace(/-\d{3}Z$/, 'Z')}`;
}

/**
 * The targets `--algorithms` and `--target` name: our services by algorithm name, then the external endpoints.
 * Without either, every built service, unless `othersGiven` (the command has something else to run). The budget
 * algorithms (hyperband) run only on problems with a budget parameter, so they are run only when named, never
 * by default or by `all`, and only by a command that gives them such a problem (`budgetAlgorithms`).
 */
export function targetsOption(
  algorithms: string | undefined,
  targetSpecs: readonly string[] | undefined,
  othersGiven = false,
  budgetAlgorithms: 'allowed' | 'refused' = 'refused',
): Target[] {
  const external = (targetSpecs ?? []).map(parseTargetSpec);
  const known = LOCAL_ALGORITHMS.map((entry) => entry.algorithm);
  const unnamed = (names: string[]) => names.filter((name) => !BUDGET_ALGORITHMS.has(name));
  const defaults = external.length > 0 || othersGiven ? [] : unnamed(builtLocalAlgorithms().map((entry) => entry.algorithm));
  const named = algorithms?.trim() === 'all' ? unnamed(known) : namesOption('algorithms', algorithms, known);
  for (const name of named ?? []) {
    if (BUDGET_ALGORITHMS.has(name) && budgetAlgorithms === 'refused') {
      throw new Error(`--algorithms ${name}: ${name} needs a problem with a budget parameter, which only bench run gives it`);
    }
  }
  return [...(named ?? defaults).map(localTarget), ...external];
}
