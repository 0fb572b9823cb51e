import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { messageOf } from '../../shared/errors/message-of.js';
import { repoPath } from '../../shared/repo-root.js';
import { readPeakRssKib, startListeningProcess, type ExitStatus } from '../../shared/process/listening-process.js';

/** One of our services, running as its own process on free local ports, exactly as its image's entry point starts it. */
export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  metricsPort: number;
  /** host:port of its gRPC server. */
  address: string;
  /** Every JSON log line printed so far. */
  logs: Record<string, unknown>[];
  /** The exit code, null when it was ended by a signal. */
  exited: Promise<number | null>;
  /** The process's peak resident set size so far (VmHWM), in KiB; undefined once it has exited or off Linux. */
  peakRssKib(): number | undefined;
  /**
   * Sends `signal` and resolves with the exit code (null when ended by a signal); with `killAfterMs`, a process
   * still running that long after is killed.
   */
  stop(signal?: NodeJS.Signals, killAfterMs?: number): Promise<number | null>;
}

export interface ServiceProcessOptions {
  /** Adds to or overrides the environment (e.g. SHUTDOWN_GRACE_SECONDS, WORKER_THREADS). */
  env?: Record<string, string>;
  /** How long it may take from spawn to its "listening" line. */
  startupTimeoutMs?: number;
}

/**
 * How long a service may take to start before it counts as hung: long, because a start is slow on a machine
 * busy with other work (the tests run several at once) and only a service that never starts should reach it.
 */
const STARTUP_TIMEOUT_MS = 120_000;

/** dist/services/<service>/main.js, the entry point `npx tsc -p .` builds for a service. */
export function serviceEntryPoint(service: string): string {
  return repoPath('dist', 'services', service, 'main.js');
}

export function serviceIsBuilt(service: string): boolean {
  return existsSync(serviceEntryPoint(service));
}

/**
 * Starts dist/services/<service>/main.js with PORT=0 and METRICS_PORT=0 bound to 127.0.0.1 and resolves once
 * its log says "listening" (the line carries the ports it got). The one way the benchmark and the tests start a
 * service.
 */
export async function startServiceProcess(service: string, options: ServiceProcessOptions = {}): Promise<ServiceProcess> {
  const entry = serviceEntryPoint(service);
  if (!existsSync(entry)) throw new Error(`${entry} does not exist; build with npx tsc -p .`);
  const started = startListeningProcess(
    process.execPath,
    [entry],
    { env: { ...process.env, PORT: '0', METRICS_PORT: '0', BIND_ADDRESS: '127.0.0.1', LOG_LEVEL: 'info', ...options.env } },
    { listenTimeoutMs: options.startupTimeoutMs ?? STARTUP_TIMEOUT_MS },
  );
  let ready: Record<string, unknown>;
  try {
    ready = await started.listening;
  } catch (error) {
    started.child.kill('SIGKILL');
    throw new Error(`service ${service}: ${messageOf(error)}`);
  }
  const { child } = started;
  const running = () => child.exitCode === null && child.signalCode === null;
  const exited = started.exited.then((status: ExitStatus) => status.code);
  const port = ready['port'] as number;
  return {
    child,
    port,
    metricsPort: ready['metricsPort'] as number,
    address: `127.0.0.1:${port}`,
    logs: started.logs,
    exited,
    peakRssKib: () => (running() ? readPeakRssKib(child.pid!) : undefined),
    async stop(signal = 'SIGTERM', killAfterMs) {
      if (!running()) return exited;
      const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      child.kill(signal);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}
