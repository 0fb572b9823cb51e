import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { messageOf } from '../../shared/errors/message-of.js';
import { repoPath } from '../../shared/repo-root.js';
import { readPeakRssKib, startListeningProcess } from '../../shared/process/listening-process.js';

/**
 * Katib's stock Python services, run from a Katib source checkout (bench/stock/setup.sh prepares them): the
 * folder names under the checkout's cmd/suggestion and cmd/earlystopping, as bench/stock/serve_stock.py knows them.
 */
export const STOCK_SERVICES = ['hyperopt', 'optuna', 'skopt', 'medianstop'] as const;
export type StockServiceName = (typeof STOCK_SERVICES)[number];

const STOCK_DIR = repoPath('bench', 'stock');
/** The gRPC classes setup.sh generated from the checkout's api.proto and health.proto. */
const GENERATED_DIR = path.join(STOCK_DIR, '.generated');
const LAUNCHER = path.join(STOCK_DIR, 'serve_stock.py');

/** How long a stock service may take to import its libraries and bind (optuna and hyperopt take seconds on a busy machine). */
const STARTUP_TIMEOUT_MS = 120_000;
/** How long it may take to exit after SIGTERM before its process group is killed. */
const STOP_TIMEOUT_MS = 10_000;

export interface StockServiceOptions {
  /** The Katib checkout to run; default: the one bench/stock/setup.sh was last given. */
  katibSource?: string;
  /** Added to the environment (medianstop reads KATIB_DB_MANAGER_SERVICE_* and a kubeconfig, for instance). */
  env?: Record<string, string>;
  startupTimeoutMs?: number;
}

/** One stock service process, serving on 127.0.0.1. */
export interface StockServiceProcess {
  service: StockServiceName;
  pid: number;
  port: number;
  /** host:port of its gRPC server. */
  address: string;
  /** Its latest stderr and non-JSON stdout lines (the services log with Python's logging). */
  output(): string;
  /** Peak RSS (VmHWM) of the Python process so far, in KiB; undefined once it has exited. */
  peakRssKib(): number | undefined;
  /** Ends it and every process it started (medianstop forks), and resolves once the service process is gone. */
  stop(): Promise<void>;
}

export function isStockService(name: string): name is StockServiceName {
  return (STOCK_SERVICES as readonly string[]).includes(name);
}

/** The interpreter of the service's virtual environment (bench/stock/.venvs/<service>). */
export function stockPython(service: StockServiceName): string {
  return path.join(STOCK_DIR, '.venvs', service, 'bin', 'python');
}

/** The checkout bench/stock/setup.sh last generated the gRPC classes from, if it ran. */
export function preparedKatibSource(): string | undefined {
  const file = path.join(GENERATED_DIR, 'katib-source');
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** Why the service cannot be started here, with the command that fixes it; undefined when it can. */
export function stockServiceMissing(service: StockServiceName, katibSource = preparedKatibSource()): string | undefined {
  const setup = `bash bench/stock/setup.sh --katib-source DIR ${service}`;
  if (katibSource === undefined || !existsSync(path.join(GENERATED_DIR, 'pkg'))) return `the stock services are not set up; run: ${setup}`;
  if (!existsSync(path.join(katibSource, 'pkg', 'suggestion'))) return `${katibSource} is not a Katib checkout (no pkg/suggestion)`;
  if (!existsSync(stockPython(service))) return `${stockPython(service)} not found; run: ${setup}`;
  return undefined;
}

/**
 * The import path of a stock service, as Katib's Dockerfiles set it (the checkout's root, then the folders of
 * the generated classes, which api_pb2_grpc imports as top-level modules), with the classes generated here first:
 * `pkg` has no __init__.py, so Python merges its folders from both roots and takes api_pb2 from the first.
 */
function pythonPath(katibSource: string): string {
  return [GENERATED_DIR, katibSource, path.join(GENERATED_DIR, 'pkg/apis/manager/v1beta1/python'), path.join(GENERATED_DIR, 'pkg/apis/manager/health/python')].join(':');
}

/**
 * Starts one stock service on a free port of 127.0.0.1 and resolves once it serves. Katib starts a service's pod
 * for each Experiment, and the stock services keep their model in the process between calls, so a caller starts
 * one per Experiment and stops it afterwards.
 */
export async function startStockService(service: StockServiceName, options: StockServiceOptions = {}): Promise<StockServiceProcess> {
  const katibSource = options.katibSource ?? preparedKatibSource();
  const missing = stockServiceMissing(service, katibSource);
  if (missing !== undefined) throw new Error(`stock ${service}: ${missing}`);
  const started = startListeningProcess(
    stockPython(service),
    ['-B', LAUNCHER, '--service', service],
    {
      // Its own process group, so that stop() reaches the processes it forks too.
      detached: true,
      env: { ...process.env, PYTHONPATH: pythonPath(katibSource!), PYTHONUNBUFFERED: '1', ...options.env },
    },
    { listenTimeoutMs: options.startupTimeoutMs ?? STARTUP_TIMEOUT_MS },
  );
  const { child } = started;
  const pid = child.pid!;
  const running = () => child.exitCode === null && child.signalCode === null;
  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const stop = async () => {
    if (running()) {
      killGroup('SIGTERM');
      const timer = setTimeout(() => killGroup('SIGKILL'), STOP_TIMEOUT_MS);
      await started.exited;
      clearTimeout(timer);
    }
    // Whatever it forked and left behind.
    killGroup('SIGKILL');
  };
  let ready: Record<string, unknown>;
  try {
    ready = await started.listening;
  } catch (error) {
    await stop();
    throw new Error(`stock ${service}: ${messageOf(error)}`);
  }
  const port = ready['port'] as number;
  return {
    service,
    pid,
    port,
    address: `127.0.0.1:${port}`,
    output: started.output,
    peakRssKib: () => (running() ? readPeakRssKib(pid) : undefined),
    stop,
  };
}
