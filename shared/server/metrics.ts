import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** How many worker threads a service has and how many of them are running a call; queued calls wait for one. */
export interface WorkerCounts {
  size: number;
  busy: number;
  queued: number;
}

/** The Prometheus metrics of one service process. */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly started = new Counter({
    name: 'katib_service_calls_started_total',
    help: 'gRPC calls received, by method, counted on arrival.',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });
  readonly inFlight = new Gauge({
    name: 'katib_service_calls_in_flight',
    help: 'gRPC calls received and not yet answered, by method.',
    labelNames: ['method'] as const,
    registers: [this.registry],
  });
  readonly calls = new Counter({
    name: 'katib_service_calls_total',
    help: 'gRPC calls handled, by method and gRPC status code.',
    labelNames: ['method', 'code'] as const,
    registers: [this.registry],
  });
  readonly duration = new Histogram({
    name: 'katib_service_call_duration_seconds',
    help: 'Time to answer a gRPC call, by method.',
    labelNames: ['method'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly trialsPerRequest = new Histogram({
    name: 'katib_service_trials_per_request',
    help: 'Trials carried by a request that could be decoded, by method; observed when the call ends.',
    labelNames: ['method'] as const,
    buckets: [0, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000],
    registers: [this.registry],
  });

  readonly repeatedAssignments = new Counter({
    name: 'katib_service_repeated_assignments_total',
    help: 'Assignments handed out again because the search space had no unused one left (re-evaluations of the best trials), by algorithm.',
    labelNames: ['algorithm'] as const,
    registers: [this.registry],
  });

  /**
   * @param build the labels of katib_service_info, whose value is always 1 (join on it to label other series).
   * @param workers read at each scrape; a service without a pool reports zero workers.
   */
  constructor(build: { service: string; version: string; revision: string }, workers: () => WorkerCounts = () => ({ size: 0, busy: 0, queued: 0 })) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'katib_service_info',
      help: 'The running service, its version and the source revision it was built from; always 1.',
      labelNames: ['service', 'version', 'revision'] as const,
      registers: [this.registry],
    }).set(build, 1);
    const workerGauge = (name: string, help: string, read: (counts: WorkerCounts) => number): void => {
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          this.set(read(workers()));
        },
      });
    };
    workerGauge('katib_service_workers', 'Worker threads that run the algorithms (WORKER_THREADS).', (counts) => counts.size);
    workerGauge('katib_service_workers_busy', 'Worker threads running a call now.', (counts) => counts.busy);
    workerGauge('katib_service_worker_queue_length', 'Calls waiting for a free worker thread.', (counts) => counts.queued);
  }
}

/** Serves GET /metrics in Prometheus text format; resolves once listening. */
export async function startMetricsServer(metrics: ServiceMetrics, port: number, host: string): Promise<{ server: Server; port: number }> {
  const server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found; metrics are at /metrics\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => response.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return { server, port: (server.address() as AddressInfo).port };
}
