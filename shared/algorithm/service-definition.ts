import type { SettingsSchema } from '../settings/settings-schema.js';
import type { AnySuggestionAlgorithm } from './suggestion-algorithm.js';

/** Katib's fixed gRPC ports: the controller dials 6789 for suggestions and 6788 for early stopping. */
export const SUGGESTION_PORT = 6789;
export const EARLY_STOPPING_PORT = 6788;

/** An algorithm as the catalogue lists it: the name Experiments write and the settings it accepts. */
export interface AlgorithmDescription {
  readonly name: string;
  readonly settings: SettingsSchema;
}

/** A suggestion service of services/<service>/: the algorithms its process serves. */
export interface SuggestionServiceDefinition {
  readonly service: string;
  readonly kind: 'suggestion';
  readonly port: typeof SUGGESTION_PORT;
  readonly algorithms: readonly AnySuggestionAlgorithm[];
}

/** An early-stopping service of services/<service>/. */
export interface EarlyStoppingServiceDefinition {
  readonly service: string;
  readonly kind: 'early-stopping';
  readonly port: typeof EARLY_STOPPING_PORT;
  readonly algorithms: readonly AlgorithmDescription[];
}

export type ServiceKind = ServiceDefinition['kind'];

/** One service of this repository, as its main.ts runs it and services/catalogue.ts lists it. */
export type ServiceDefinition = SuggestionServiceDefinition | EarlyStoppingServiceDefinition;

export function suggestionService(service: string, algorithms: readonly AnySuggestionAlgorithm[]): SuggestionServiceDefinition {
  return { service, kind: 'suggestion', port: SUGGESTION_PORT, algorithms };
}

export function earlyStoppingService(service: string, algorithms: readonly AlgorithmDescription[]): EarlyStoppingServiceDefinition {
  return { service, kind: 'early-stopping', port: EARLY_STOPPING_PORT, algorithms };
}
