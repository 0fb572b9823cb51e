#!/usr/bin/env node
/**
 * npm run start:all: every service of the catalogue as its own process on this machine, on consecutive ports,
 * with one line each once it listens, then their logs as short lines. SIGINT or SIGTERM stops them all (each
 * drains as in a pod). For trying the services side by side, not for production: Katib starts its own pods.
 */
import { CATALOGUE } from '../services/catalogue.js';
import { messageOf } from '../shared/errors/message-of.js';
import type { ServiceDefinition } from '../shared/algorithm/service-definition.js';
import { startListeningProcess, type ListeningProcess } from '../shared/process/listening-process.js';
import { repoPath } from '../shared/repo-root.js';

const USAGE = `usage: npm run start:all [-- --help]

Starts every service (${CATALOGUE.map((entry) => entry.service).join(', ')}) on consecutive ports:
  START_ALL_PORT          the first gRPC port (default 6789): the n-th service listens on START_ALL_PORT + n - 1
  START_ALL_METRICS_PORT  the first metrics port (default 8080), likewise
  BIND_ADDRESS            address every service binds to (default 127.0.0.1)
Every other variable (LOG_LEVEL, WORKER_THREADS, ...) is passed to each service. Ctrl-C stops them all.`;

interface Started {
  entry: ServiceDefinition;
  port: number;
  metricsPort: number;
  running: ListeningProcess;
}

function portVariable(name: string, fallback: number, count: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value + count - 1 > 65535) {
    throw new Error(`environment variable ${name}=${JSON.stringify(text)} is invalid; expected a port from 1 to ${65536 - count} (${count} consecutive ports follow it)`);
  }
  return value;
}

/** A log line as people read it: "<service> <level> <message> key=value ...". */
export function readableLogLine(service: string, line: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return `${service.padEnd(WIDTH)} ${line}`;
  }
  const { level, time: _time, service: _service, msg, pid: _pid, hostname: _hostname, ...fields } = entry;
  const levelName = LEVELS[Number(level)] ?? String(level);
  const rest = Object.entries(fields).map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return [service.padEnd(WIDTH), levelName.padEnd(5), String(msg ?? ''), ...rest].join(' ');
}

const LEVELS: Record<number, string> = { 10: 'trace', 20: 'debug', 30: 'info', 40: 'warn', 50: 'error', 60: 'fatal' };
const WIDTH = Math.max(...CATALOGUE.map((entry) => entry.service.length));

/**
 * Starts one service; until it listens only its warnings and errors are printed (as readable lines), then
 * every line.
 */
function start(entry: ServiceDefinition, port: number, metricsPort: number, bindAddress: string): Started {
  let ready = false;
  const running = startListeningProcess(
    process.execPath,
    [repoPath('dist', 'services', entry.service, 'main.js')],
    { env: { ...process.env, PORT: String(port), METRICS_PORT: String(metricsPort), BIND_ADDRESS: bindAddress } },
    {
      keepLogs: false,
      onLine: (line, log) => {
        if (!ready && log?.['msg'] === 'listening') ready = true;
        else if (ready || (log !== undefined && Number(log['level']) >= 40)) process.stdout.write(`${readableLogLine(entry.service, line)}\n`);
      },
    },
  );
  return { entry, port, metricsPort, running };
}

/** Resolves with the "listening" line's fields, or rejects with the service's own one-line reason for exiting. */
async function listening(started: Started): Promise<Record<string, unknown>> {
  try {
    return await started.running.listening;
  } catch {
    const { code } = await started.running.exited;
    throw new Error(startFailure(started, started.running.output().trim(), code));
  }
}

/** The service's reason (the last line it printed that is not a log line: stderr, mostly), with a taken port's variable translated into the one start:all reads. */
function startFailure(started: Started, output: string, code: number | null): string {
  const taken = /the (gRPC|metrics) port (\S+) is already in use/.exec(output);
  if (taken) {
    const variable = taken[1] === 'gRPC' ? 'START_ALL_PORT' : 'START_ALL_METRICS_PORT';
    return `${started.entry.service}: the ${taken[1]} port ${taken[2]} is already in use; set ${variable} to the first of ${CATALOGUE.length} free consecutive ports`;
  }
  const reason = output.split('\n').filter((line) => line !== '').pop() ?? `exited with code ${code}`;
  return reason.startsWith(`${started.entry.service}:`) ? reason : `${started.entry.service}: ${reason}`;
}

async function stopAll(all: readonly Started[]): Promise<void> {
  for (const { running } of all) if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGTERM');
  await Promise.all(all.map((started) => started.running.exited));
}

async function main(args: string[]): Promise<number> {
  if (args.length > 0) {
    const help = args.length === 1 && (args[0] === '--help' || args[0] === '-h');
    (help ? process.stdout : process.stderr).write(`${help ? '' : `unexpected argument ${JSON.stringify(args[0])}\n`}${USAGE}\n`);
    return help ? 0 : 2;
  }
  let firstPort: number;
  let firstMetricsPort: number;
  try {
    firstPort = portVariable('START_ALL_PORT', 6789, CATALOGUE.length);
    firstMetricsPort = portVariable('START_ALL_METRICS_PORT', 8080, CATALOGUE.length);
  } catch (error) {
    process.stderr.write(`start:all: ${messageOf(error)}\n`);
    return 2;
  }
  const bindAddress = process.env['BIND_ADDRESS'] || '127.0.0.1';
  const all = CATALOGUE.map((entry, index) => start(entry, firstPort + index, firstMetricsPort + index, bindAddress));
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('stopping every service\n');
    void stopAll(all).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  // Lines in catalogue order once all are up, rather than in the order they happened to start.
  const outcomes = await Promise.allSettled(all.map((started) => listening(started)));
  outcomes.forEach((outcome, index) => {
    if (outcome.status === 'rejected') return;
    const started = all[index]!;
    const algorithms = started.entry.algorithms.map((algorithm) => algorithm.name).join(', ');
    process.stdout.write(
      `${started.entry.service.padEnd(WIDTH)} gRPC ${bindAddress}:${started.port}  metrics http://${bindAddress}:${started.metricsPort}/metrics  ` +
        `${started.entry.kind} ${algorithms}  ${String(outcome.value['version'])} (${String(outcome.value['revision'])})\n`,
    );
  });
  const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [(outcome.reason as Error).message] : []));
  if (failures.length > 0) {
    for (const failure of failures) process.stderr.write(`start:all: ${failure}\n`);
    stopping = true;
    await stopAll(all);
    return 1;
  }
  process.stdout.write(`all ${all.length} services are listening; Ctrl-C stops them\n`);
  return new Promise<number>(() => undefined);
}

process.exitCode = await main(process.argv.slice(2));
