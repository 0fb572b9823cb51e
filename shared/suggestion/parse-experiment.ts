import type { AlgorithmRegistry } from '../algorithm/algorithm-registry.js';
import type { AnySuggestionAlgorithm, ExperimentFacts } from '../algorithm/suggestion-algorithm.js';
import { invalidRequest } from '../errors/service-error.js';
import { parseObjective } from '../history/objective.js';
import { parseSettings, type ParsedSettings, type SettingsSchema } from '../settings/settings-schema.js';
import { parseSearchSpace } from '../space/parse-search-space.js';
import { SearchSpace } from '../space/search-space.js';
import type { Experiment } from '../wire/messages.js';

/** An Experiment checked and parsed for one algorithm: what both Validate and GetSuggestions start from. */
export interface ParsedExperiment {
  algorithm: AnySuggestionAlgorithm;
  settings: ParsedSettings<SettingsSchema>;
  space: SearchSpace;
  facts: ExperimentFacts;
}

export function parseExperiment(experiment: Experiment | null | undefined, registry: AlgorithmRegistry): ParsedExperiment {
  if (!experiment) throw invalidRequest('experiment is missing from the request');
  const spec = experiment.spec;
  if (!spec) throw invalidRequest(`experiment ${JSON.stringify(experiment.name)} has no spec`);
  const algorithm = registry.get(spec.algorithm?.algorithm_name);
  const settings = parseSettings(algorithm.settings, spec.algorithm?.algorithm_settings ?? [], `algorithm ${algorithm.name}`);
  const declared = spec.parameter_specs?.parameters ?? [];
  // The spec as written is checked first, so a bad one gets the same message from every algorithm.
  let space = parseSearchSpace(declared);
  const adapted = algorithm.adaptParameters?.(declared, settings);
  if (adapted !== undefined) {
    const parsed = parseSearchSpace(adapted.parameters);
    space = new SearchSpace(parsed.dimensions, [...adapted.warnings, ...parsed.warnings]);
  }
  const facts: ExperimentFacts = {
    name: experiment.name,
    objective: parseObjective(experiment),
    maxTrialCount: spec.max_trial_count,
  };
  algorithm.validate?.(space, settings, facts);
  return { algorithm, settings, space, facts };
}
