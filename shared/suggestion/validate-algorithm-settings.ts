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
  const warnings = [...space.warnings, ...(algorithm.planWarnings?.(space, settings, facts) ?? [])];
  if (space.isFinite && (facts.maxTrialCount === 0 || facts.maxTrialCount > space.size)) {
    const limit = facts.maxTrialCount === 0 ? 'no max_trial_count is set' : `max_trial_count ${facts.maxTrialCount} is more than that`;
    warnings.push(
      `the search space has ${space.size} distinct assignments and ${limit}: after them, trials repeat the best assignments ` +
        `(set experiment.spec.max_trial_count to at most ${space.size} to stop there)`,
    );
  }
  return { algorithm: algorithm.name, warnings };
}
