import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import { katibApi } from '../../../shared/wire/katib-api.js';
import { FIXTURES_DIR } from '../../support/repo-paths.js';
import { SUGGESTION_SERVICES, algorithmNames } from './suggestion-services.js';

/** One unary method of a service, with its path, its server-side decoder and well-formed messages to spoil. */
export interface WireMethod {
  path: string;
  /** Whether the server can decode `bytes` into a request at all (the same decoder the server uses); undefined for health. */
  decodes: ((bytes: Buffer) => boolean) | undefined;
  /** Well-formed requests, as bytes, that random changes and truncation start from. */
  seeds: Buffer[];
  /** The refusals a decodable request may get: the method's ServiceError kinds. */
  refusals: grpc.status[];
}

export interface WireTarget {
  service: string;
  methods: WireMethod[];
}

type MethodDefinition = grpc.MethodDefinition<unknown, unknown>;

function decoderOf(definition: MethodDefinition): (bytes: Buffer) => boolean {
  return (bytes) => {
    try {
      definition.requestDeserialize(bytes);
      return true;
    } catch {
      return false;
    }
  };
}

const { INVALID_ARGUMENT, FAILED_PRECONDITION, NOT_FOUND, UNAVAILABLE } = grpc.status;

function method(definition: MethodDefinition, seeds: Buffer[], refusals: grpc.status[] = [INVALID_ARGUMENT, FAILED_PRECONDITION]): WireMethod {
  return { path: definition.path, decodes: decoderOf(definition), seeds, refusals };
}

const fixture = (name: string) => readFileSync(join(FIXTURES_DIR, name));

/** A Katib fixture request re-addressed to `algorithm`, so that spoiled copies reach the algorithm's own code. */
function fixtureFor(definition: MethodDefinition, file: string, change: (request: Record<string, any>) => void): Buffer {
  const request = definition.requestDeserialize(fixture(file)) as Record<string, any>;
  change(request);
  return definition.requestSerialize(request);
}

const HEALTH_PATH = '/grpc.health.v1.Health/Check';
/** HealthCheckRequest{service: "manager.v1beta1.Suggestion"} and {service: ""}, encoded by hand (field 1, string). */
function healthRequest(service: string): Buffer {
  const name = Buffer.from(service, 'utf8');
  return name.length === 0 ? Buffer.alloc(0) : Buffer.concat([Buffer.from([0x0a, name.length]), name]);
}

function healthMethod(name: string): WireMethod {
  // The health service is grpc-health-check's, decoded by its own definition: judged by the reply code alone.
  return { path: HEALTH_PATH, decodes: undefined, seeds: [healthRequest(name), healthRequest('')], refusals: [NOT_FOUND] };
}

/** Every service's methods with seeds: Katib's own fixture bytes, re-addressed to the service's algorithms. */
export function wireTargets(): WireTarget[] {
  const suggestion = katibApi.Suggestion.service;
  const early = katibApi.EarlyStopping.service;
  const targets: WireTarget[] = SUGGESTION_SERVICES.map((service) => ({
    service: service.service,
    methods: [
      method(
        suggestion.GetSuggestions as MethodDefinition,
        algorithmNames(service).flatMap((algorithm) =>
          ['random', 'grid', 'bayesian-optimization'].map((file) =>
            fixtureFor(suggestion.GetSuggestions as MethodDefinition, `${file}.get-suggestions.bin`, (request) => {
              request['experiment'].spec.algorithm = { algorithm_name: algorithm, algorithm_settings: [] };
            }),
          ),
        ),
      ),
      method(
        suggestion.ValidateAlgorithmSettings as MethodDefinition,
        algorithmNames(service).map((algorithm) =>
          fixtureFor(suggestion.ValidateAlgorithmSettings as MethodDefinition, 'random.validate-algorithm-settings.bin', (request) => {
            request['experiment'].spec.algorithm = { algorithm_name: algorithm, algorithm_settings: [] };
          }),
        ),
      ),
      healthMethod('manager.v1beta1.Suggestion'),
    ],
  }));
  targets.push({
    service: 'medianstop',
    methods: [
      // Nothing listens on port 1: a spoiled request that gets as far as reading logs fails fast, UNAVAILABLE.
      method(early.GetEarlyStoppingRules as MethodDefinition, [
        fixtureFor(early.GetEarlyStoppingRules as MethodDefinition, 'median-stop.get-early-stopping-rules.bin', (request) => {
          request['db_manager_address'] = '127.0.0.1:1';
        }),
      ], [INVALID_ARGUMENT, FAILED_PRECONDITION, UNAVAILABLE]),
      method(early.ValidateEarlyStoppingSettings as MethodDefinition, [fixture('median-stop.validate-early-stopping-settings.bin')]),
      // No Kubernetes configuration in the test: marking a trial fails with FAILED_PRECONDITION or UNAVAILABLE.
      method(early.SetTrialStatus as MethodDefinition, [early.SetTrialStatus.requestSerialize({ trial_name: 'random-experiment-abc123' })], [
        INVALID_ARGUMENT,
        FAILED_PRECONDITION,
        NOT_FOUND,
        UNAVAILABLE,
      ]),
      healthMethod(''),
    ],
  });
  return targets;
}
