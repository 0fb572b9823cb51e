import * as grpc from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Server as HttpServer } from 'node:http';
import { ServiceError, shuttingDown } from '../errors/service-error.js';
import { readBuildInfo, type BuildInfo } from './build-info.js';
import { ConfigError, type ServiceConfig } from './config.js';
import type { Logger } from './logger.js';
import { ServiceMetrics, startMetricsServer, type WorkerCounts } from './metrics.js';
import { statusName, toGrpcStatus } from './status-mapping.js';

/**
 * What a handler may add to its call's log line. A `trials` count also feeds the trials-per-request histogram;
 * `warnings` (about the request, not failures) raise the line to level warn.
 */
export interface CallContext {
  annotate(fields: Record<string, unknown>): void;
}

/** A unary method: a function of the decoded request that returns the reply or throws a ServiceError. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type UnaryHandler = (request: any, context: CallContext) => Promise<object> | object;

/** One gRPC service of the host, with a handler per method name. */
export interface ServiceBinding {
  /** Fully qualified name, e.g. api.v1.beta1.Suggestion; health reports SERVING for it. */
  serviceName: string;
  definition: grpc.ServiceDefinition;
  handlers: Record<string, UnaryHandler>;
}

export interface HostOptions {
  bindings: readonly ServiceBinding[];
  /** Names health answers SERVING for besides the bound services' own names and "". */
  extraHealthNames?: readonly string[];
  config: ServiceConfig;
  logger: Logger;
  /** Service name and build, exported as katib_service_info: by default the first binding's name and this build. */
  service?: string;
  build?: BuildInfo;
  /** The worker threads' occupancy, when the service runs its work in a pool. */
  workers?: () => WorkerCounts;
  /** Releases what the handlers hold (worker threads) once every call has finished. */
  onStopped?: () => Promise<void>;
}

/** A running gRPC server with health, metrics, per-call logs and graceful shutdown. */
export interface Host {
  port: number;
  metricsPort: number;
  metrics: ServiceMetrics;
  /** Drains: health turns NOT_SERVING, new calls get UNAVAILABLE, in-flight calls finish (up to the grace period). */
  shutdown(): Promise<void>;
}

export async function startHost(options: HostOptions): Promise<Host> {
  const { config, logger } = options;
  const identity = { service: options.service ?? options.bindings[0]?.serviceName ?? 'unknown', ...(options.build ?? readBuildInfo()) };
  const metrics = new ServiceMetrics(identity, options.workers);
  const server = new grpc.Server({
    'grpc.max_receive_message_length': config.maxMessageBytes,
    'grpc.max_send_message_length': config.maxMessageBytes,
  });
  const healthNames = ['', ...options.bindings.map((binding) => binding.serviceName), ...(options.extraHealthNames ?? [])];
  const health = new HealthImplementation(Object.fromEntries(healthNames.map((name) => [name, 'SERVING' as const])));
  health.addToServer(server);

  const drain = new InFlightCalls();
  for (const binding of options.bindings) {
    const implementation: grpc.UntypedServiceImplementation = {};
    for (const [method, handler] of Object.entries(binding.handlers)) {
      implementation[method] = wrapUnary(method, handler, { logger, metrics, drain });
    }
    server.addService(binding.definition, implementation);
  }

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`${config.bindAddress}:${config.port}`, grpc.ServerCredentials.createInsecure(), (error, boundPort) =>
      error ? reject(listenError('gRPC', 'PORT', config.port, config.bindAddress, error)) : resolve(boundPort),
    );
  });
  let metricsServer: HttpServer;
  let metricsPort: number;
  try {
    ({ server: metricsServer, port: metricsPort } = await startMetricsServer(metrics, config.metricsPort, config.bindAddress));
  } catch (error) {
    server.forceShutdown();
    throw listenError('metrics', 'METRICS_PORT', config.metricsPort, config.bindAddress, error);
  }

  let stopping: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    stopping ??= (async () => {
      for (const name of healthNames) health.setStatus(name, 'NOT_SERVING');
      drain.close();
      logger.info({ inFlight: drain.count, graceMs: config.shutdownGraceMs }, 'draining');
      const finished = await drain.settled(config.shutdownGraceMs);
      if (finished) {
        // A handler that has answered may still have its reply in the socket's buffers: close the connections
        // gracefully so that it is flushed (forceShutdown here cancelled the last call to finish).
        await closeGracefully(server, REPLY_FLUSH_MS);
      } else {
        logger.warn({ inFlight: drain.count }, 'grace period over; cancelling the calls still running');
        server.forceShutdown();
      }
      await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      await options.onStopped?.();
      logger.info('stopped');
    })();
    return stopping;
  };
  return { port, metricsPort, metrics, shutdown };
}

/**
 * A listener that cannot start, said in one line that names the variable to change. grpc-js reports a taken
 * port as "No address added out of total 1 resolved errors: [listen EADDRINUSE ...]" and node:net as an
 * error with a code; both carry the system error's name, which is all that is needed here.
 */
function listenError(listener: string, variable: string, port: number, address: string, error: unknown): Error {
  const text = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}` : String(error);
  const where = `${address}:${port}`;
  if (text.includes('EADDRINUSE')) return new ConfigError(`the ${listener} port ${where} is already in use; set ${variable} to a free port (0 picks one)`);
  if (text.includes('EACCES')) return new ConfigError(`the ${listener} port ${where} needs privileges this process lacks; set ${variable} to a port above 1023`);
  if (text.includes('EADDRNOTAVAIL') || text.includes('ENOTFOUND') || text.includes('EAI_')) {
    return new ConfigError(`cannot listen on ${where} for ${listener}: ${JSON.stringify(address)} is not an address of this machine; set BIND_ADDRESS`);
  }
  return error instanceof Error ? error : new Error(text);
}

/** How long answered calls get to flush their replies before the connections are cut. */
const REPLY_FLUSH_MS = 5_000;

/** tryShutdown (streams finish, then connections close), falling back to forceShutdown after `timeoutMs`. */
function closeGracefully(server: grpc.Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, timeoutMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

function wrapUnary(
  method: string,
  handler: UnaryHandler,
  deps: { logger: Logger; metrics: ServiceMetrics; drain: InFlightCalls },
): grpc.handleUnaryCall<unknown, object> {
  return (call, callback) => {
    const started = process.hrtime.bigint();
    const fields: Record<string, unknown> = { method };
    deps.metrics.started.inc({ method });
    deps.metrics.inFlight.inc({ method });
    const finish = (code: grpc.status, error?: unknown): void => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      deps.metrics.inFlight.dec({ method });
      deps.metrics.calls.inc({ method, code: statusName(code) });
      deps.metrics.duration.observe({ method }, seconds);
      if (typeof fields['trials'] === 'number') deps.metrics.trialsPerRequest.observe({ method }, fields['trials']);
      if (typeof fields['repeated'] === 'number' && fields['repeated'] > 0) {
        deps.metrics.repeatedAssignments.inc({ algorithm: String(fields['algorithm'] ?? '') }, fields['repeated']);
      }
      const line = { ...fields, code: statusName(code), durationMs: Math.round(seconds * 1e4) / 10 };
      if (code === grpc.status.OK) deps.logger[fields['warnings'] === undefined ? 'info' : 'warn'](line, 'call');
      else if (error instanceof ServiceError) deps.logger.warn({ ...line, error: error.message }, 'call');
      else deps.logger.error({ ...line, err: error }, 'call');
    };
    const fail = (error: unknown) => {
      const grpcStatus = toGrpcStatus(error);
      finish(grpcStatus.code, error);
      callback(grpcStatus);
    };
    if (!deps.drain.open) return fail(shuttingDown('the service is shutting down; retry on another replica'));
    const context: CallContext = { annotate: (more) => Object.assign(fields, more) };
    deps.drain.track(
      Promise.resolve()
        .then(() => handler(call.request, context))
        .then((reply) => {
          finish(grpc.status.OK);
          callback(null, reply);
        }, fail),
    );
  };
}

/** Counts calls in progress so that shutdown can wait for them. */
class InFlightCalls {
  private readonly calls = new Set<Promise<void>>();
  open = true;

  get count(): number {
    return this.calls.size;
  }

  track(call: Promise<void>): void {
    this.calls.add(call);
    void call.finally(() => this.calls.delete(call));
  }

  close(): void {
    this.open = false;
  }

  /** True when every call finished within `timeoutMs`, false when the time ran out first. */
  async settled(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const allDone = (async () => {
      while (this.calls.size > 0) await Promise.allSettled([...this.calls]);
      return true as const;
    })();
    const result = await Promise.race([allDone, timeout]);
    clearTimeout(timer);
    return result;
  }
}
