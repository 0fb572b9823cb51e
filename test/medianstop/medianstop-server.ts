import { readServiceConfig } from '../../shared/server/config.js';
import { startHost, type Host } from '../../shared/server/grpc-host.js';
import { createLogger } from '../../shared/server/logger.js';
import { DbManagerClient, type DbManagerClientOptions, DEFAULT_DB_MANAGER_CLIENT_OPTIONS } from '../../services/medianstop/db-manager/db-manager-client.js';
import { EarlyValueCache } from '../../services/medianstop/early-value-cache.js';
import { earlyStoppingBinding } from '../../services/medianstop/early-stopping-binding.js';
import { kubernetesTrialStore } from '../../services/medianstop/kubernetes/kubernetes-trial-store.js';
import { EarlyStoppingClient } from './early-stopping-client.js';

export interface RunningMedianStop {
  host: Host;
  client: EarlyStoppingClient;
  cache: EarlyValueCache;
  close(): Promise<void>;
}

export interface MedianStopServerOptions {
  dbManager?: Partial<DbManagerClientOptions>;
  /** The environment the Kubernetes access is configured from (KUBECONFIG, NAMESPACE, ...). */
  kubernetesEnv?: NodeJS.ProcessEnv;
  now?: () => Date;
}

/**
 * The medianstop binding in a real gRPC server in this process, on 127.0.0.1 and a free port, as main.ts wires
 * it, with a connected client. Retry pauses are short so that failure tests stay quick.
 */
export async function startMedianStop(options: MedianStopServerOptions = {}): Promise<RunningMedianStop> {
  const dbManager = new DbManagerClient({ ...DEFAULT_DB_MANAGER_CLIENT_OPTIONS, retryDelayMs: 20, ...options.dbManager });
  const cache = new EarlyValueCache();
  const config = { ...readServiceConfig({}, 0), port: 0, metricsPort: 0, bindAddress: '127.0.0.1', shutdownGraceMs: 2000 };
  const host = await startHost({
    bindings: [
      earlyStoppingBinding({
        logs: dbManager,
        cache,
        trials: () => kubernetesTrialStore(options.kubernetesEnv ?? {}),
        now: options.now ?? (() => new Date()),
      }),
    ],
    config,
    logger: createLogger('silent', 'test'),
    onStopped: async () => dbManager.close(),
  });
  const client = new EarlyStoppingClient(`127.0.0.1:${host.port}`);
  return {
    host,
    client,
    cache,
    async close() {
      client.close();
      await host.shutdown();
    },
  };
}
