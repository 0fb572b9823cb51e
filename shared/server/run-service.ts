import { ConfigError, readServiceConfig, type ServiceConfig } from './config.js';
import { startHost, type HostOptions, type Host } from './grpc-host.js';
import { createLogger, type Logger } from './logger.js';

export interface ServiceDescription {
  /** Short service name for logs, e.g. "random". */
  name: string;
  /** Katib's port for this kind of service: 6789 for suggestions, 6788 for early stopping. */
  defaultPort: number;
  /** Builds the host's bindings once configuration and logger exist. */
  bindings(config: ServiceConfig, logger: Logger): Pick<HostOptions, 'bindings' | 'extraHealthNames' | 'onStopped'>;
}

/**
 * The main of a service process: configuration from the environment, the host, a "listening" log line that
 * names the bound ports, and SIGTERM/SIGINT handling that drains and exits 0.
 */
export async function runService(description: ServiceDescription): Promise<Host | undefined> {
  let config: ServiceConfig;
  try {
    config = readServiceConfig(process.env, description.defaultPort);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${description.name}: ${error.message}\n`);
    process.exitCode = 2;
    return undefined;
  }
  const logger = createLogger(config.logLevel, description.name);
  for (const reason of config.ignored) logger.warn(reason);
  const host = await startHost({ ...description.bindings(config, logger), config, logger });
  logger.info({ port: host.port, metricsPort: host.metricsPort, pid: process.pid }, 'listening');
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
