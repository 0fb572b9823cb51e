import { serviceIsBuilt } from './service-process.js';

/** A Katib algorithm name and the service of this repository (services/<service>/) that serves it. */
export interface LocalAlgorithm {
  algorithm: string;
  service: string;
}

/** Every suggestion algorithm this repository serves, by the name a Katib Experiment writes. */
export const LOCAL_ALGORITHMS: readonly LocalAlgorithm[] = [
  { algorithm: 'random', service: 'random' },
  { algorithm: 'grid', service: 'grid' },
  { algorithm: 'tpe', service: 'tpe' },
  { algorithm: 'multivariate-tpe', service: 'tpe' },
  { algorithm: 'bayesianoptimization', service: 'bayesianoptimization' },
];

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
