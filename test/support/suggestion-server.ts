import { AlgorithmRegistry } from '../../shared/algorithm/algorithm-registry.js';
import type { AnySuggestionAlgorithm } from '../../shared/algorithm/suggestion-algorithm.js';
import { readServiceConfig } from '../../shared/server/config.js';
import { startHost, type Host } from '../../shared/server/grpc-host.js';
import { createLogger } from '../../shared/server/logger.js';
import { inlineCompute, KATIB_SUGGESTION_HEALTH_NAME, suggestionBinding } from '../../shared/server/suggestion-service.js';
import { SuggestionClient } from './clients.js';

export interface RunningSuggestionServer {
  host: Host;
  client: SuggestionClient;
  address: string;
  close(): Promise<void>;
}

/**
 * A real gRPC server in this process, on 127.0.0.1 and a free port, serving `algorithms` through the same
 * binding as a service process (computing inline instead of in worker threads), with a connected client.
 */
export async function startSuggestionServer(algorithms: readonly AnySuggestionAlgorithm[]): Promise<RunningSuggestionServer> {
  const config = { ...readServiceConfig({}, 0), port: 0, metricsPort: 0, bindAddress: '127.0.0.1', shutdownGraceMs: 2000 };
  const host = await startHost({
    bindings: [suggestionBinding(inlineCompute(new AlgorithmRegistry(algorithms)))],
    extraHealthNames: [KATIB_SUGGESTION_HEALTH_NAME],
    config,
    logger: createLogger('silent', 'test'),
  });
  const address = `127.0.0.1:${host.port}`;
  const client = new SuggestionClient(address);
  return {
    host,
    client,
    address,
    async close() {
      client.close();
      await host.shutdown();
    },
  };
}
