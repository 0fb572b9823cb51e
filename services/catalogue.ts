import type { ServiceDefinition, ServiceKind } from '../shared/algorithm/service-definition.js';
import { bayesianOptimizationService } from './bayesianoptimization/service.js';
import { cmaesService } from './cmaes/service.js';
import { gridService } from './grid/service.js';
import { hyperbandService } from './hyperband/service.js';
import { medianStopService } from './medianstop/service.js';
import { randomService } from './random/service.js';
import { sobolService } from './sobol/service.js';
import { tpeService } from './tpe/service.js';

/**
 * Every service of this repository and the algorithms it serves: the one list the benchmark, the tests and the
 * deploy consistency test (test/deploy/catalogue.test.ts) derive theirs from. A service's main.ts runs its own
 * entry of it; no service imports this file, so an image carries only its own service's code.
 */
export const CATALOGUE: readonly ServiceDefinition[] = [randomService, gridService, tpeService, bayesianOptimizationService, sobolService, cmaesService, hyperbandService, medianStopService];

/** The algorithms of one kind, by the name Katib Experiments write, with the service that serves each. */
export function catalogueAlgorithms(kind: ServiceKind): { algorithm: string; service: string }[] {
  return CATALOGUE.filter((entry) => entry.kind === kind).flatMap((entry) =>
    entry.algorithms.map((algorithm) => ({ algorithm: algorithm.name, service: entry.service })),
  );
}

export function catalogueService(service: string): ServiceDefinition | undefined {
  return CATALOGUE.find((entry) => entry.service === service);
}
