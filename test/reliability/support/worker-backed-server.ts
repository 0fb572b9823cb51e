import { pathToFileURL } from 'node:url';
import { readServiceConfig, type ServiceConfig } from '../../../shared/server/config.js';
import { startHost, type Host } from '../../../shared/server/grpc-host.js';
import { createLogger } from '../../../shared/server/logger.js';
import { KATIB_SUGGESTION_HEALTH_NAME, suggestionBinding, workerCompute } from '../../../shared/server/suggestion-service.js';
import { WorkerPool } from '../../../shared/server/worker-pool.js';
import { SuggestionClient } from '../../support/clients.js';
import { repoPath } from '../../../shared/repo-root.js';

/**
 * A service's gRPC host in this process on 127.0.0.1, computing in worker threads that run the service's own
 * compiled worker entry (worker.js), exactly as the service process does.
 *
 * The fuzzer uses this rather than the inline test server: an algorithm that loops forever would block the
 * test process itself with inline compute, and the run would hang instead of failing. Here the loop ties up
 * one worker, the call fails with DEADLINE_EXCEEDED, and `recycle` terminates the workers so that the next
 * case starts clean.
 */
export class WorkerBackedServer {
  private host!: Host;
  private current!: SuggestionClient;
  private constructor(
    private readonly service: string,
    private readonly config: ServiceConfig,
    private readonly workers: number,
  ) {}

  static async start(service: string, options: { workers?: number; config?: Partial<ServiceConfig> } = {}): Promise<WorkerBackedServer> {
    const config = { ...readServiceConfig({}, 0), port: 0, metricsPort: 0, bindAddress: '127.0.0.1', shutdownGraceMs: 100, ...options.config };
    const server = new WorkerBackedServer(service, config, options.workers ?? 1);
    await server.open();
    return server;
  }

  get client(): SuggestionClient {
    return this.current;
  }

  get address(): string {
    return this.current.address;
  }

  /** Replaces host and workers by fresh ones (after a call overran its deadline). */
  async recycle(): Promise<void> {
    await this.close();
    await this.open();
  }

  async close(): Promise<void> {
    this.current.close();
    await this.host.shutdown();
  }

  private async open(): Promise<void> {
    const pool = new WorkerPool(pathToFileURL(repoPath('dist', 'services', this.service, 'worker.js')), this.workers);
    this.host = await startHost({
      bindings: [suggestionBinding(workerCompute(pool))],
      extraHealthNames: [KATIB_SUGGESTION_HEALTH_NAME],
      config: this.config,
      logger: createLogger('silent', this.service),
      onStopped: () => pool.close(),
    });
    this.current = new SuggestionClient(`127.0.0.1:${this.host.port}`);
  }
}
