import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { katibApi } from '../../shared/wire/katib-api.js';
import type { GetSuggestionsReply__Output } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsReply.js';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { ValidateAlgorithmSettingsRequest } from '../../shared/wire/generated/api/v1/beta1/ValidateAlgorithmSettingsRequest.js';
import { CALL_HANG_GUARD_MS } from './hang-guard.js';

/** A gRPC error as the client sees it. */
export type CallError = grpc.ServiceError;

const healthDefinition = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String })) as unknown as {
  grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
};

/** Promise-returning clients of a Katib suggestion service and its health service. */
export class SuggestionClient {
  private readonly suggestion;
  private readonly health;

  constructor(readonly address: string) {
    this.suggestion = new katibApi.Suggestion(address, grpc.credentials.createInsecure());
    this.health = new healthDefinition.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
  }

  getSuggestions(request: GetSuggestionsRequest, deadlineMs = CALL_HANG_GUARD_MS): Promise<GetSuggestionsReply__Output> {
    return new Promise((resolve, reject) => {
      this.suggestion.GetSuggestions(request, { deadline: Date.now() + deadlineMs }, (error, reply) => (error ? reject(error) : resolve(reply!)));
    });
  }

  validate(request: ValidateAlgorithmSettingsRequest, deadlineMs = CALL_HANG_GUARD_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      this.suggestion.ValidateAlgorithmSettings(request, { deadline: Date.now() + deadlineMs }, (error) => (error ? reject(error) : resolve()));
    });
  }

  /** The health status for `service` ("SERVING", "NOT_SERVING", ...). */
  healthCheck(service: string, deadlineMs = CALL_HANG_GUARD_MS): Promise<string> {
    return new Promise((resolve, reject) => {
      (this.health as unknown as { check: Function }).check(
        { service },
        { deadline: Date.now() + deadlineMs },
        (error: grpc.ServiceError | null, reply: { status: string }) => (error ? reject(error) : resolve(reply.status)),
      );
    });
  }

  close(): void {
    this.suggestion.close();
    this.health.close();
  }
}

/** Awaits `call` and returns the gRPC error it fails with; throws if it succeeds. */
export async function expectCallError(call: Promise<unknown>): Promise<CallError> {
  try {
    await call;
  } catch (error) {
    return error as CallError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export { grpc };
