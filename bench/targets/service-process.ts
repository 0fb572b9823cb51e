import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { repoPath } from '../repo-paths.js';

/** How long a service may take from spawn to its "listening" line. */
const STARTUP_TIMEOUT_MS = 30_000;
/** How long SIGTERM may take before the process is killed. */
const STOP_TIMEOUT_MS = 15_000;
/** Output lines kept for the error message of a process that fails. */
const KEPT_LINES = 20;

/** One of our services, running as its own process on free local ports. */
export interface ServiceProcess {
  /** host:port of its gRPC server. */
  address: string;
  /** The process's peak resident set size so far (VmHWM), in KiB; undefined once it has exited or off Linux. */
  peakRssKib(): number | undefined;
  stop(): Promise<void>;
}

/** dist/services/<service>/main.js, the entry point `npx tsc -p .` builds for a service. */
export function serviceEntryPoint(service: string): string {
  return repoPath('dist', 'services', service, 'main.js');
}

export function serviceIsBuilt(service: string): boolean {
  return existsSync(serviceEntryPoint(service));
}

/**
 * Starts dist/services/<service>/main.js with PORT=0 and METRICS_PORT=0 and resolves once its log says
 * "listening" (the line carries the ports it got). Its log is read all along, so the pipe never fills.
 */
export function startServiceProcess(service: string): Promise<ServiceProcess> {
  const entry = serviceEntryPoint(service);
  if (!existsSync(entry)) return Promise.reject(new Error(`${entry} does not exist; build with npx tsc -p .`));
  const child = spawn(process.execPath, [entry], {
    env: { ...process.env, PORT: '0', METRICS_PORT: '0', BIND_ADDRESS: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const recent: string[] = [];
  const keep = (line: string) => {
    recent.push(line);
    if (recent.length > KEPT_LINES) recent.shift();
  };
  createInterface({ input: child.stderr! }).on('line', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`service ${service}: ${why}\n${recent.join('\n')}`));
    };
    const timer = setTimeout(() => fail(`no "listening" log line within ${STARTUP_TIMEOUT_MS} ms`), STARTUP_TIMEOUT_MS);
    child.once('error', (error) => fail(error.message));
    const exitedEarly = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited (${signal ?? `code ${code}`}) before listening`);
    child.once('exit', exitedEarly);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      keep(line);
      const port = listeningPort(line);
      if (port === undefined) return;
      clearTimeout(timer);
      child.off('exit', exitedEarly);
      resolve(runningService(child, port, exited));
    });
  });
}

/** The gRPC port a "listening" log line names. */
function listeningPort(line: string): number | undefined {
  try {
    const entry = JSON.parse(line) as { msg?: unknown; port?: unknown };
    if (entry.msg === 'listening' && typeof entry.port === 'number') return entry.port;
  } catch {
    // Not a JSON log line (a stray print): not the one we wait for.
  }
  return undefined;
}

function runningService(child: ChildProcess, port: number, exited: Promise<void>): ServiceProcess {
  const pid = child.pid!;
  return {
    address: `127.0.0.1:${port}`,
    peakRssKib: () => (child.exitCode === null && child.signalCode === null ? readPeakRssKib(pid) : undefined),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}

/** VmHWM of /proc/<pid>/status: the peak resident set size of the process's life so far, in KiB. */
export function readPeakRssKib(pid: number): number | undefined {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}
