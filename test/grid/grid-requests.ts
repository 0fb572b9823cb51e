import { readFileSync } from 'node:fs';
import type { GetSuggestionsRequest as GetSuggestionsRequestInput } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { ParameterSpec as ParameterSpecInput } from '../../shared/wire/generated/api/v1/beta1/ParameterSpec.js';
import type { TrialStatus } from '../../shared/wire/generated/api/v1/beta1/TrialStatus.js';
import type { ValidateAlgorithmSettingsRequest as ValidateRequestInput } from '../../shared/wire/generated/api/v1/beta1/ValidateAlgorithmSettingsRequest.js';
import { katibPackageDefinition } from '../../shared/wire/katib-api.js';
import type { GetSuggestionsRequest, ValidateAlgorithmSettingsRequest } from '../../shared/wire/messages.js';

/** Requests for the grid tests, built as plain objects and passed through the wire codec the server uses. */

interface MethodCodec<Decoded> {
  requestSerialize(value: unknown): Buffer;
  requestDeserialize(bytes: Buffer): Decoded;
}

const suggestionService = katibPackageDefinition['api.v1.beta1.Suggestion'] as unknown as {
  GetSuggestions: MethodCodec<GetSuggestionsRequest>;
  ValidateAlgorithmSettings: MethodCodec<ValidateAlgorithmSettingsRequest>;
};

/** Katib's shared wire fixtures live beside the repository: dist/test/grid/ -> ../../../../shared/fixtures/. */
const FIXTURES = new URL('../../../../shared/fixtures/', import.meta.url);

/** A fixture GetSuggestionsRequest decoded exactly as the server decodes what arrives on the wire. */
export function fixtureSuggestionsRequest(name: string): GetSuggestionsRequest {
  return suggestionService.GetSuggestions.requestDeserialize(readFileSync(new URL(`${name}.get-suggestions.bin`, FIXTURES)));
}

export interface GridExperimentOptions {
  name?: string;
  maxTrialCount?: number;
  settings?: Record<string, string>;
}

export interface TrialInput {
  assignments: Record<string, string>;
  condition?: TrialStatus['condition'];
}

export function gridExperiment(parameters: ParameterSpecInput[], options: GridExperimentOptions = {}) {
  return {
    name: options.name ?? 'grid-test',
    spec: {
      parameter_specs: { parameters },
      objective: { type: 'MINIMIZE' as const, objective_metric_name: 'loss' },
      algorithm: {
        algorithm_name: 'grid',
        algorithm_settings: Object.entries(options.settings ?? {}).map(([name, value]) => ({ name, value })),
      },
      parallel_trial_count: 3,
      max_trial_count: options.maxTrialCount ?? 0,
    },
  };
}

export function suggestionsRequest(
  experiment: ReturnType<typeof gridExperiment>,
  trials: readonly TrialInput[],
  count: number,
): GetSuggestionsRequest {
  const request: GetSuggestionsRequestInput = {
    experiment,
    trials: trialMessages(experiment.name, 0, trials),
    current_request_number: count,
    total_request_number: trials.length + count,
  };
  return roundTrip(suggestionService.GetSuggestions, request);
}

/** `request` with `trials` appended after its own and a new count, as the controller's next call would look. */
export function extendedRequest(request: GetSuggestionsRequest, trials: readonly TrialInput[], count: number): GetSuggestionsRequest {
  const name = request.experiment?.name ?? 'experiment';
  return roundTrip(suggestionService.GetSuggestions, {
    ...request,
    trials: [...request.trials, ...trialMessages(`${name}-added`, request.trials.length, trials)],
    current_request_number: count,
    total_request_number: request.total_request_number + count,
  });
}

function trialMessages(prefix: string, firstNumber: number, trials: readonly TrialInput[]) {
  return trials.map((trial, index) => {
    const condition = trial.condition ?? 'SUCCEEDED';
    return {
      name: `${prefix}-${firstNumber + index}`,
      spec: {
        parameter_assignments: {
          assignments: Object.entries(trial.assignments).map(([name, value]) => ({ name, value })),
        },
      },
      status: {
        condition,
        observation: condition === 'SUCCEEDED' ? { metrics: [{ name: 'loss', value: '1' }] } : null,
      },
    };
  });
}

export function validateRequest(experiment: ReturnType<typeof gridExperiment>): ValidateAlgorithmSettingsRequest {
  const request: ValidateRequestInput = { experiment };
  return roundTrip(suggestionService.ValidateAlgorithmSettings, request);
}

/** Encodes and decodes, so tests see every field with its wire default, as the server does. */
function roundTrip<Decoded>(codec: MethodCodec<Decoded>, request: unknown): Decoded {
  return codec.requestDeserialize(codec.requestSerialize(request));
}

export function doubleParameter(name: string, min: string, max: string, step?: string, distribution?: 'UNIFORM' | 'LOG_UNIFORM' | 'NORMAL' | 'LOG_NORMAL'): ParameterSpecInput {
  return { name, parameter_type: 'DOUBLE', feasible_space: { min, max, step: step ?? '', distribution: distribution ?? 'UNIFORM' } };
}

export function intParameter(name: string, min: string, max: string, step?: string): ParameterSpecInput {
  return { name, parameter_type: 'INT', feasible_space: { min, max, step: step ?? '' } };
}

export function listParameter(name: string, kind: 'DISCRETE' | 'CATEGORICAL', list: string[]): ParameterSpecInput {
  return { name, parameter_type: kind, feasible_space: { list } };
}

/** A reply's assignments as one record per suggested trial. */
export function assignmentRecords(reply: {
  parameter_assignments?: readonly { assignments?: readonly { name?: string; value?: string }[] }[];
}): Record<string, string>[] {
  return (reply.parameter_assignments ?? []).map((entry) =>
    Object.fromEntries((entry.assignments ?? []).map((assignment) => [assignment.name ?? '', assignment.value ?? ''])),
  );
}
