import { catalogueAlgorithms } from '../../services/catalogue.js';
import { serviceIsBuilt } from './service-process.js';

/** A Katib algorithm name and the service of this repository (services/<service>/) that serves it. */
export interface LocalAlgorithm {
  algorithm: string;
  service: string;
}

/**
 * Algorithms that run only on a budget parameter their settings name (hyperband's resource_name and r_l), which
 * no benchmark problem declares: the benchmark runs them only as --target endpoints, with those settings.
 */
const NEEDS_BUDGET_PARAMETER: ReadonlySet<string> = new Set(['hyperband']);

/**
 * Every suggestion algorithm this repository serves that the benchmark can start by name, by the name a Katib
 * Experiment writes (services/catalogue.ts).
 */
export const LOCAL_ALGORITHMS: readonly LocalAlgorithm[] = catalogueAlgorithms('suggestion').filter((entry) => !NEEDS_BUDGET_PARAMETER.has(entry.algorithm));

/** The local algorithms whose service has been built (dist/services/<service>/main.js exists). */
export function builtLocalAlgorithms(): LocalAlgorithm[] {
  return LOCAL_ALGORITHMS.filter((entry) => serviceIsBuilt(entry.service));
}

/** Throws, saying how to run it instead, when `name` is an algorithm the benchmark cannot start by name. */
export function checkStartableByName(name: string): void {
  if (NEEDS_BUDGET_PARAMETER.has(name)) {
    throw new Error(
      `${name} needs a budget parameter, which no benchmark problem declares: start its service and run it as ` +
        `--target ${name}=HOST:PORT,resource_name=PARAMETER,r_l=LARGEST (docs/benchmarks.md has an example)`,
    );
  }
}

export function localAlgorithm(name: string): LocalAlgorithm {
  checkStartableByName(name);
  const found = LOCAL_ALGORITHMS.find((entry) => entry.algorithm === name);
  if (found === undefined) {
    throw new Error(`unknown algorithm "${name}"; this repository serves ${LOCAL_ALGORITHMS.map((entry) => entry.algorithm).join(', ')}`);
  }
  return found;
}
