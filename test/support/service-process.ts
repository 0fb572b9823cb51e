import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { SuggestionClient } from './clients.js';
import { serviceEntryPoint } from './repo-paths.js';

/** A service running as its own process, exactly as its image's entrypoint starts it. */
export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  metricsPort: number;
  address: string;
  /** Every JSON log line printed so far. */
  logs: Record<string, unknown>[];
  /** Sends `signal` and resolves with the exit code (null when killed by a signal). */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  exited: Promise<number | null>;
}

/**
 * Starts `node dist/services/<service>/main.js` on free ports bound to 127.0.0.1 and waits for its "listening" line.
 * `env` adds to or overrides the environment (e.g. SHUTDOWN_GRACE_SECONDS).
 */
export async function spawnService(service: string, env: Record<string, string> = {}, timeoutMs = 20_000): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [serviceEntryPoint(service)], {
    env: { ...process.env, PORT: '0', METRICS_PORT: '0', BIND_ADDRESS: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const listening = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${service} did not report listening within ${timeoutMs} ms; stderr: ${stderr}`)), timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        return;
      }
      logs.push(entry);
      if (entry['msg'] === 'listening') {
        clearTimeout(timer);
        resolve(entry);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${service} exited with code ${code} before listening; stderr: ${stderr}`));
    });
  });
  const ready = await listening;
  const port = ready['port'] as number;
  return {
    child,
    port,
    metricsPort: ready['metricsPort'] as number,
    address: `127.0.0.1:${port}`,
    logs,
    exited,
    stop(signal = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Runs `use` against a freshly started process of `service` (a restart, or another replica), then closes the
 * client and stops the process, whatever `use` did.
 */
export async function withFreshProcess<T>(service: string, use: (client: SuggestionClient) => Promise<T>): Promise<T> {
  const fresh = await spawnService(service);
  const client = new SuggestionClient(fresh.address);
  try {
    return await use(client);
  } finally {
    client.close();
    await fresh.stop();
  }
}
