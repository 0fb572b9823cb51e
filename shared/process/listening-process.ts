import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** Lines of non-log output kept for the error message of a process that fails. */
const KEPT_LINES = 40;

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A process that prints JSON log lines and announces readiness with a "listening" line, as every service of
 * this repository does, wherever it runs (node directly, an image's entry point, buildah). Its output is read
 * all along, so the pipes never fill. The one launcher of the benchmark, the tests and start:all.
 */
export interface ListeningProcess {
  child: ChildProcess;
  /** Every JSON log line so far (none when started with `keepLogs: false`). */
  logs: Record<string, unknown>[];
  /** The latest output that is not a JSON log line (stderr, and stdout noise of a wrapper such as buildah). */
  output(): string;
  /** Resolves with the "listening" line; rejects if the process exits or fails first, or stays silent past the timeout. */
  listening: Promise<Record<string, unknown>>;
  exited: Promise<ExitStatus>;
}

/** How a ListeningProcess is watched. */
export interface ListeningOptions {
  /** How long the process may take to print its "listening" line; no limit when absent. */
  listenTimeoutMs?: number;
  /** Called with every line of its standard output as it comes, with the log entry when the line is one. */
  onLine?: (line: string, entry: Record<string, unknown> | undefined) => void;
  /** Whether `logs` keeps every log line (default true); a caller watching a long-running process through `onLine` turns it off. */
  keepLogs?: boolean;
}

export function startListeningProcess(command: string, args: readonly string[], options: SpawnOptions, watch: ListeningOptions): ListeningProcess {
  const { listenTimeoutMs, onLine, keepLogs = true } = watch;
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  const recent: string[] = [];
  const keep = (line: string) => {
    recent.push(line);
    if (recent.length > KEPT_LINES) recent.shift();
  };
  const output = () => recent.join('\n');
  const exited = new Promise<ExitStatus>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  createInterface({ input: child.stderr! }).on('line', keep);
  const listening = new Promise<Record<string, unknown>>((resolve, reject) => {
    const timer =
      listenTimeoutMs === undefined ? undefined : setTimeout(() => reject(new Error(`no "listening" log line within ${listenTimeoutMs} ms; output:\n${output()}`)), listenTimeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = jsonLine(line);
      onLine?.(line, entry);
      if (entry === undefined) return keep(line);
      if (keepLogs) logs.push(entry);
      if (entry['msg'] === 'listening') {
        clearTimeout(timer);
        resolve(entry);
      }
    });
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`exited (code ${code}, signal ${signal}) before listening; output:\n${output()}`));
    });
  });
  listening.catch(() => undefined);
  return { child, logs, output, listening, exited };
}

function jsonLine(line: string): Record<string, unknown> | undefined {
  try {
    const entry: unknown = JSON.parse(line);
    return typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** VmHWM of /proc/<pid>/status: the peak resident set size of the process's life so far, in KiB; undefined off Linux or once it is gone. */
export function readPeakRssKib(pid: number): number | undefined {
  return readStatusKib(pid, 'VmHWM');
}

/** A `kB` field of /proc/<pid>/status (VmRSS, VmHWM, ...). */
export function readStatusKib(pid: number, field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match === null ? undefined : Number(match[1]);
  } catch {
    return undefined;
  }
}
