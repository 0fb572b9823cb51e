import type { ServiceBinding } from '../../shared/server/grpc-host.js';
import { katibApi } from '../../shared/wire/katib-api.js';
import type { GetEarlyStoppingRulesRequest, SetTrialStatusRequest, ValidateEarlyStoppingSettingsRequest } from '../../shared/wire/messages.js';
import type { ObservationLogSource } from './db-manager/db-manager-client.js';
import type { EarlyValueCache } from './early-value-cache.js';
import { getEarlyStoppingRules } from './get-early-stopping-rules.js';
import { markTrialEarlyStopped, parseTrialName } from './kubernetes/mark-trial-early-stopped.js';
import { parseMedianStopSettings } from './rule/medianstop-settings.js';
import type { TrialStore } from './kubernetes/trial-store.js';

export const EARLY_STOPPING_SERVICE_NAME = 'api.v1.beta1.EarlyStopping';

export interface MedianStopDependencies {
  logs: ObservationLogSource;
  cache?: EarlyValueCache;
  /** The Kubernetes trials; rejects with a ServiceError when the process has no usable Kubernetes configuration. */
  trials: () => Promise<TrialStore>;
  /** The clock stamped on conditions. */
  now: () => Date;
}

/** The EarlyStopping service's gRPC binding: each handler converts, delegates and annotates its log line. */
export function earlyStoppingBinding(deps: MedianStopDependencies): ServiceBinding {
  return {
    serviceName: EARLY_STOPPING_SERVICE_NAME,
    definition: katibApi.EarlyStopping.service,
    handlers: {
      async GetEarlyStoppingRules(request: GetEarlyStoppingRulesRequest, context) {
        context.annotate({ experiment: request.experiment?.name, trials: request.trials.length, dbManager: request.db_manager_address });
        const outcome = await getEarlyStoppingRules(request, deps);
        const rule = outcome.reply.early_stopping_rules?.[0];
        context.annotate({
          succeeded: outcome.succeeded,
          averaged: outcome.averaged,
          median: rule?.value,
          ...(outcome.warnings.length > 0 ? { warnings: outcome.warnings } : {}),
        });
        return outcome.reply;
      },
      async SetTrialStatus(request: SetTrialStatusRequest, context) {
        context.annotate({ trial: request.trial_name });
        const trialName = parseTrialName(request.trial_name);
        const store = await deps.trials();
        const outcome = await markTrialEarlyStopped(store, trialName, deps.now);
        context.annotate({ namespace: store.namespace, outcome });
        return {};
      },
      async ValidateEarlyStoppingSettings(request: ValidateEarlyStoppingSettingsRequest, context) {
        context.annotate({ algorithm: request.early_stopping?.algorithm_name });
        const settings = parseMedianStopSettings(request.early_stopping, 'early_stopping');
        context.annotate({ ...settings });
        return {};
      },
    },
  };
}
