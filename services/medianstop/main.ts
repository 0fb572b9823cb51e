import { messageOf } from '../../shared/errors/message-of.js';
import { runService } from '../../shared/server/run-service.js';
import { DbManagerClient } from './db-manager/db-manager-client.js';
import { EarlyValueCache } from './early-value-cache.js';
import { earlyStoppingBinding } from './early-stopping-binding.js';
import { kubernetesTrialStore, type KubernetesTrialStore } from './kubernetes/kubernetes-trial-store.js';
import { medianStopService } from './service.js';

void runService({
  name: medianStopService.service,
  summary: 'the Katib early-stopping service for medianstop (the median stopping rule)',
  defaultPort: medianStopService.port,
  extraVariables: [
    ['NAMESPACE', "where Trials are marked early stopped (default: the pod's service-account namespace)"],
    ['KUBECONFIG', 'Kubernetes client configuration outside a pod (default ~/.kube/config)'],
  ],
  bindings(_config, logger) {
    const dbManager = new DbManagerClient();
    let trials: Promise<KubernetesTrialStore> | undefined;
    // Opened on first use and kept; after a failure the next call tries again (a fixed mount, a late NAMESPACE).
    const openTrials = (): Promise<KubernetesTrialStore> => {
      trials ??= kubernetesTrialStore(process.env).catch((error: unknown) => {
        trials = undefined;
        throw error;
      });
      return trials;
    };
    openTrials().then(
      (store) => logger.info({ namespace: store.namespace }, 'trials are marked early stopped in this namespace'),
      (error: unknown) => logger.warn({ error: messageOf(error) }, 'SetTrialStatus will fail until this is fixed'),
    );
    return {
      bindings: [earlyStoppingBinding({ logs: dbManager, cache: new EarlyValueCache(), trials: openTrials, now: () => new Date() })],
      onStopped: async () => dbManager.close(),
    };
  },
});
