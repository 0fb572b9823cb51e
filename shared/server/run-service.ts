import { readBuildInfo } from './build-info.js';
import { readCommandLine, type ProgramDescription } from './command-line.js';
import { ConfigError, readServiceConfig, type ServiceConfig } from './config.js';
import { startHost, type HostOptions, type Host } from './grpc-host.js';
import { routeGrpcLogs } from './grpc-logs.js';
import { createLogger, type Logger } from './logger.js';

export interface ServiceDescription extends ProgramDescription {
  /** Katib's port for this kind of service: 6789 for suggestions, 6788 for early stopping. */
  defaultPort: number;
  /** Builds the host's bindings once configuration and logger exist. */
  bindings(config: ServiceConfig, logger: Logger): Pick<HostOptions, 'bindings' | 'extraHealthNames' | 'onStopped' | 'workers'>;
}

/**
 * The main of a service process: --help and --version, configuration from the environment, the host, a
 * "listening" log line that names the bound ports and the build, and SIGTERM/SIGINT handling that drains and
 * exits 0. A configuration mistake or a port that cannot be bound is one line on stderr and exit code 2.
 */
export async function runService(description: ServiceDescription): Promise<Host | undefined> {
  const build = readBuildInfo();
  const commandLine = readCommandLine(process.argv.slice(2), description, build);
  if (!commandLine.serve) {
    (commandLine.toStderr ? process.stderr : process.stdout).write(`${commandLine.text}\n`);
    process.exitCode = commandLine.exitCode;
    return undefined;
  }
  let config: ServiceConfig;
  try {
    config = readServiceConfig(process.env, description.defaultPort);
  } catch (error) {
    return startFailed(description.name, error);
  }
  const logger = createLogger(config.logLevel, description.name);
  routeGrpcLogs(logger);
  for (const reason of config.ignored) logger.warn(reason);
  const { onStopped, ...bindings } = description.bindings(config, logger);
  let host: Host;
  try {
    host = await startHost({ ...bindings, onStopped, config, logger, build, service: description.name });
  } catch (error) {
    await onStopped?.();
    return startFailed(description.name, error);
  }
  logger.info({ port: host.port, metricsPort: host.metricsPort, version: build.version, revision: build.revision, pid: process.pid }, 'listening');
  const stop = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutdown requested');
    host.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return host;
}

function startFailed(name: string, error: unknown): undefined {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${name}: ${error.message}\n`);
  process.exitCode = 2;
  return undefined;
}
