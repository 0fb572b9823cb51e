import { invalidRequest, quote } from '../errors/service-error.js';
import type { AnySuggestionAlgorithm } from './suggestion-algorithm.js';

/** The algorithms one service serves, by the Katib algorithm name users write. */
export class AlgorithmRegistry {
  private readonly byName = new Map<string, AnySuggestionAlgorithm>();

  constructor(algorithms: readonly AnySuggestionAlgorithm[]) {
    for (const algorithm of algorithms) this.byName.set(algorithm.name, algorithm);
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  /** The algorithm for `name`, or INVALID_ARGUMENT listing what this service serves. */
  get(name: string | undefined): AnySuggestionAlgorithm {
    const algorithm = this.byName.get(name ?? '');
    if (algorithm === undefined) {
      throw invalidRequest(
        `experiment.spec.algorithm.algorithm_name ${quote(name ?? '')} is not served here; this service serves ${this.names.join(', ')}`,
      );
    }
    return algorithm;
  }
}
