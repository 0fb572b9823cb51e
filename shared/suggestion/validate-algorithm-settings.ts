import type { AlgorithmRegistry } from '../algorithm/algorithm-registry.js';
import type { ValidateAlgorithmSettingsRequest } from '../wire/messages.js';
import { parseExperiment } from './parse-experiment.js';

/** ValidateAlgorithmSettings: the experiment parses for its algorithm, or a ServiceError says why not. */
export function validateAlgorithmSettings(request: ValidateAlgorithmSettingsRequest, registry: AlgorithmRegistry): { algorithm: string } {
  return { algorithm: parseExperiment(request.experiment, registry).algorithm.name };
}
