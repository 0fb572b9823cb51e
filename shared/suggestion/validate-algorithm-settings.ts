import type { AlgorithmRegistry } from '../algorithm/algorithm-registry.js';
import type { ValidateAlgorithmSettingsRequest } from '../wire/messages.js';
import { parseExperiment } from './parse-experiment.js';

/** ValidateAlgorithmSettings: the experiment parses for its algorithm, or a ServiceError says why not. */
export function validateAlgorithmSettings(request: ValidateAlgorithmSettingsRequest, registry: AlgorithmRegistry): { algorithm: string } {
  const { algorithm, settings, space, facts } = parseExperiment(request.experiment, registry);
  algorithm.validateBeforeStart?.(space, settings, facts);
  return { algorithm: algorithm.name };
}
