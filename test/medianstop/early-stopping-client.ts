import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { protoPath as healthProtoPath } from 'grpc-health-check';
import { katibApi } from '../../shared/wire/katib-api.js';
import type { GetEarlyStoppingRulesReply__Output } from '../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesReply.js';
import type { GetEarlyStoppingRulesRequest } from '../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesRequest.js';
import type { ValidateEarlyStoppingSettingsRequest } from '../../shared/wire/generated/api/v1/beta1/ValidateEarlyStoppingSettingsRequest.js';
import { CALL_HANG_GUARD_MS } from '../support/hang-guard.js';

const healthApi = grpc.loadPackageDefinition(protoLoader.loadSync(healthProtoPath, { keepCase: true, enums: String })) as unknown as {
  grpc: { health: { v1: { Health: grpc.ServiceClientConstructor } } };
};

/** Promise-returning clients of an EarlyStopping service and its health service, as the Katib controller calls them. */
export class EarlyStoppingClient {
  private readonly service;
  private readonly health;

  constructor(readonly address: string) {
    this.service = new katibApi.EarlyStopping(address, grpc.credentials.createInsecure());
    this.health = new healthApi.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
  }

  getRules(request: GetEarlyStoppingRulesRequest, deadlineMs = CALL_HANG_GUARD_MS): Promise<GetEarlyStoppingRulesReply__Output> {
    return new Promise((resolve, reject) => {
      this.service.GetEarlyStoppingRules(request, { deadline: Date.now() + deadlineMs }, (error, reply) => (error ? reject(error) : resolve(reply!)));
    });
  }

  setTrialStatus(trialName: string, deadlineMs = CALL_HANG_GUARD_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      this.service.SetTrialStatus({ trial_name: trialName }, { deadline: Date.now() + deadlineMs }, (error) => (error ? reject(error) : resolve()));
    });
  }

  validate(request: ValidateEarlyStoppingSettingsRequest, deadlineMs = CALL_HANG_GUARD_MS): Promise<void> {
    return new Promise((resolve, reject) => {
      this.service.ValidateEarlyStoppingSettings(request, { deadline: Date.now() + deadlineMs }, (error) => (error ? reject(error) : resolve()));
    });
  }

  healthCheck(service: string): Promise<string> {
    return new Promise((resolve, reject) => {
      (this.health as unknown as { check: Function }).check(
        { service },
        { deadline: Date.now() + CALL_HANG_GUARD_MS },
        (error: grpc.ServiceError | null, reply: { status: string }) => (error ? reject(error) : resolve(reply.status)),
      );
    });
  }

  close(): void {
    this.service.close();
    this.health.close();
  }
}

/** Awaits `call`, which must fail, and returns its gRPC error. */
export async function callError(call: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await call;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

export { grpc };
