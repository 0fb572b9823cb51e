import * as grpc from '@grpc/grpc-js';
import { katibApi } from '../../shared/wire/katib-api.js';
import type { GetEarlyStoppingRulesReply__Output } from '../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesReply.js';
import type { GetEarlyStoppingRulesRequest } from '../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesRequest.js';
import type { SetTrialStatusRequest } from '../../shared/wire/generated/api/v1/beta1/SetTrialStatusRequest.js';
import type { ValidateEarlyStoppingSettingsRequest } from '../../shared/wire/generated/api/v1/beta1/ValidateEarlyStoppingSettingsRequest.js';
import { EndpointCallError, UNLIMITED_MESSAGES, type GrpcEndpointOptions } from './suggestion-endpoint.js';

/**
 * What the simulated controller (and its metrics collector) needs from an early-stopping service: the calls
 * Katib's suggestion controller makes (ValidateEarlyStoppingSettings, GetEarlyStoppingRules) and the one its
 * metrics collector makes when it stops a trial (SetTrialStatus).
 */
export interface EarlyStoppingEndpoint {
  validateEarlyStoppingSettings(request: ValidateEarlyStoppingSettingsRequest): Promise<void>;
  getEarlyStoppingRules(request: GetEarlyStoppingRulesRequest): Promise<GetEarlyStoppingRulesReply__Output>;
  setTrialStatus(request: SetTrialStatusRequest): Promise<void>;
  close(): void;
}

/** A Katib EarlyStopping service at `address` (host:port), over plain gRPC as Katib calls it. */
export function grpcEarlyStoppingEndpoint(address: string, options: GrpcEndpointOptions): EarlyStoppingEndpoint {
  const client = new katibApi.EarlyStopping(address, grpc.credentials.createInsecure(), UNLIMITED_MESSAGES);
  const callOptions = (): grpc.CallOptions => ({ deadline: Date.now() + options.deadlineMs });
  const settle =
    <T>(method: string, resolve: (value: T) => void, reject: (error: Error) => void) =>
    (error: grpc.ServiceError | null, reply?: T) => {
      if (error !== null) reject(new EndpointCallError(method, grpc.status[error.code] ?? String(error.code), error.details));
      else if (reply === undefined) reject(new EndpointCallError(method, 'UNKNOWN', 'no reply'));
      else resolve(reply);
    };
  return {
    validateEarlyStoppingSettings: (request) =>
      new Promise((resolve, reject) => {
        // Katib waits for the service to come up (WaitForReady) before this first call.
        client.ValidateEarlyStoppingSettings(
          request,
          new grpc.Metadata({ waitForReady: true }),
          callOptions(),
          settle('ValidateEarlyStoppingSettings', () => resolve(), reject),
        );
      }),
    getEarlyStoppingRules: (request) =>
      new Promise((resolve, reject) => client.GetEarlyStoppingRules(request, callOptions(), settle('GetEarlyStoppingRules', resolve, reject))),
    setTrialStatus: (request) =>
      new Promise((resolve, reject) => client.SetTrialStatus(request, callOptions(), settle('SetTrialStatus', () => resolve(), reject))),
    close: () => client.close(),
  };
}
