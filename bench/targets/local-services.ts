import { catalogueAlgorithms } from '../../services/catalogue.js';
import { serviceIsBuilt } from './service-process.js';

/** A Katib algorithm name and the service of this repository (services/<service>/) that serves it. */
export interface LocalAlgorithm {
  algorithm: string;
  service: string;
}

/**
 * Every suggestion algorithm this repository serves, by the name a Katib Experiment writes
 * (services/catalogue.ts). The budget algorithms (hyperband) among them run only on problems with a budget
 * parameter (bench/problems/budget-parameter.ts).
 */
export const LOCAL_ALGORITHMS: readonly LocalAlgorithm[] = catalogueAlgorithms('suggestion');

/** The local algorithms whose service has been built (dist/services/<service>/main.js exists). */
export function builtLocalAlgorithms(): LocalAlgorithm[] {
  return LOCAL_ALGORITHMS.filter((entry) => serviceIsBuilt(entry.service));
}

export function localAlgorithm(name: string): LocalAlgorithm {
  const found = LOCAL_ALGORITHMS.find((entry) => entry.algorithm === name);
  if (found === undefined) {
    throw new Error(`unknown algorithm "${name}"; this repository serves ${LOCAL_ALGORITHMS.map((entry) => entry.algorithm).join(', ')}`);
  }
  return found;
}
