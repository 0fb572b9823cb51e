import * as grpc from '@grpc/grpc-js';
import { katibApi } from '../../shared/wire/katib-api.js';
import type { GetSuggestionsReply__Output } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsReply.js';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { ValidateAlgorithmSettingsRequest } from '../../shared/wire/generated/api/v1/beta1/ValidateAlgorithmSettingsRequest.js';

/** What the simulated controller needs from a suggestion service; tests wrap it to watch the traffic. */
export interface SuggestionEndpoint {
  validateAlgorithmSettings(request: ValidateAlgorithmSettingsRequest): Promise<void>;
  getSuggestions(request: GetSuggestionsRequest): Promise<GetSuggestionsReply__Output>;
  close(): void;
}

/** A failed call, with the gRPC status name the service answered. */
export class EndpointCallError extends Error {
  override readonly name = 'EndpointCallError';
  constructor(
    readonly method: string,
    readonly code: string,
    readonly details: string,
  ) {
    super(`${method} failed with ${code}: ${details}`);
  }
}

export interface GrpcEndpointOptions {
  /** Per-call deadline; Katib's controller gives each call 60 seconds. */
  deadlineMs: number;
}

/** The benchmark's channels take and send messages of any size: a long history is a large request. */
export const UNLIMITED_MESSAGES: grpc.ChannelOptions = {
  'grpc.max_receive_message_length': -1,
  'grpc.max_send_message_length': -1,
};

/** A Katib Suggestion service at `address` (host:port), spoken to like Katib's controller does: plain gRPC, no TLS. */
export function grpcSuggestionEndpoint(address: string, options: GrpcEndpointOptions): SuggestionEndpoint {
  const client = new katibApi.Suggestion(address, grpc.credentials.createInsecure(), UNLIMITED_MESSAGES);
  const callOptions = (): grpc.CallOptions => ({ deadline: Date.now() + options.deadlineMs });
  return {
    validateAlgorithmSettings: (request) =>
      new Promise((resolve, reject) => {
        // Katib waits for the pod to come up (WaitForReady) before its first call.
        client.ValidateAlgorithmSettings(request, new grpc.Metadata({ waitForReady: true }), callOptions(), (error) =>
          error ? reject(callError('ValidateAlgorithmSettings', error)) : resolve(),
        );
      }),
    getSuggestions: (request) =>
      new Promise((resolve, reject) => {
        client.GetSuggestions(request, callOptions(), (error, reply) =>
          error || reply === undefined ? reject(callError('GetSuggestions', error)) : resolve(reply),
        );
      }),
    close: () => client.close(),
  };
}

function callError(method: string, error: grpc.ServiceError | null): EndpointCallError {
  if (error === null) return new EndpointCallError(method, 'UNKNOWN', 'no reply');
  return new EndpointCallError(method, grpc.status[error.code] ?? String(error.code), error.details);
}
