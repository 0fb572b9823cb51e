import type { AlgorithmRegistry } from '../algorithm/algorithm-registry.js';
import type { ValidateAlgorithmSettingsRequest } from '../wire/messages.js';
import { parseExperiment } from './parse-experiment.js';

/**
 * ValidateAlgorithmSettings: the experiment parses for its algorithm, or a ServiceError says why not. `warnings`
 * say what will run differently from the spec as written (for the call's log line).
 */
export function validateAlgorithmSettings(
  request: ValidateAlgorithmSettingsRequest,
  registry: AlgorithmRegistry,
): { algorithm: string; warnings: readonly string[] } {
  const { algorithm, settings, space, facts } = parseExperiment(request.experiment, registry);
  algorithm.validateBeforeStart?.(space, settings, facts);
  return { algorithm: algorithm.name, warnings: space.warnings };
}
