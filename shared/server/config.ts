import { availableParallelism } from 'node:os';

/** A service's run-time configuration, read from the environment (12-factor style, as Kubernetes sets it). */
export interface ServiceConfig {
  /** gRPC port; 0 picks a free one (tests). */
  port: number;
  /** HTTP port of /metrics; 0 picks a free one. */
  metricsPort: number;
  /** Address both listeners bind to. */
  bindAddress: string;
  logLevel: string;
  /** Largest gRPC message accepted or sent. */
  maxMessageBytes: number;
  /** How long SIGTERM waits for in-flight calls before closing them. */
  shutdownGraceMs: number;
  /** Worker threads that run suggestion algorithms off the event loop. */
  workerThreads: number;
  /** Variables that were ignored, and why; logged once the logger exists. */
  ignored: string[];
}

/** 64 MiB holds a request with far more than 10,000 trials (a trial is a few hundred bytes). */
export const DEFAULT_MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function readServiceConfig(env: NodeJS.ProcessEnv, defaultPort: number): ServiceConfig {
  const ignored: string[] = [];
  return {
    port: portVariable(env, 'PORT', defaultPort, ignored),
    metricsPort: portVariable(env, 'METRICS_PORT', 8080, ignored),
    bindAddress: env['BIND_ADDRESS'] || '0.0.0.0',
    logLevel: choiceVariable(env, 'LOG_LEVEL', 'info', LOG_LEVELS),
    maxMessageBytes: integerVariable(env, 'GRPC_MAX_MESSAGE_BYTES', DEFAULT_MAX_MESSAGE_BYTES, 1024, 2 ** 31 - 1),
    shutdownGraceMs: 1000 * integerVariable(env, 'SHUTDOWN_GRACE_SECONDS', 20, 0, 3600),
    workerThreads: integerVariable(env, 'WORKER_THREADS', Math.min(4, availableParallelism()), 0, 64),
    ignored,
  };
}

/** A configuration mistake: the process reports it and exits non-zero before serving anything. */
export class ConfigError extends Error {}

/**
 * Kubernetes gives every container a `<SERVICE>_PORT=tcp://<ip>:<port>` variable for each Service of its
 * namespace, unless the pod disables service links, and Katib's suggestion pods do not. A Service named
 * `metrics` would thus set METRICS_PORT to another Service's address; such a value is ignored, not fatal.
 */
const SERVICE_LINK = /^(tcp|udp|sctp):\/\//;

function portVariable(env: NodeJS.ProcessEnv, name: string, fallback: number, ignored: string[]): number {
  const text = env[name];
  if (text !== undefined && SERVICE_LINK.test(text)) {
    ignored.push(`${name}=${JSON.stringify(text)} looks like a Kubernetes service link, not a port; using ${fallback}`);
    return fallback;
  }
  return integerVariable(env, name, fallback, 0, 65535);
}

function integerVariable(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`environment variable ${name}=${JSON.stringify(text)} is invalid; expected an integer from ${min} to ${max}`);
  }
  return value;
}

function choiceVariable(env: NodeJS.ProcessEnv, name: string, fallback: string, choices: readonly string[]): string {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!choices.includes(text)) {
    throw new ConfigError(`environment variable ${name}=${JSON.stringify(text)} is invalid; expected one of ${choices.join(', ')}`);
  }
  return text;
}
