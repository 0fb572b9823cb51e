import * as grpc from '@grpc/grpc-js';
import { format } from 'node:util';
import type { Logger } from './logger.js';

/**
 * grpc-js's own messages as lines of the service's JSON log, instead of "E ..." text on stderr. Its report of a
 * failed bind is left out: the host turns that failure into a one-line error naming the variable to change.
 */
export function routeGrpcLogs(logger: Logger): void {
  const line =
    (level: 'error' | 'info' | 'debug') =>
    (message?: unknown, ...more: unknown[]): void => {
      const text = format(message, ...more);
      if (text.startsWith('No address added out of total')) return;
      logger[level]({ source: 'grpc-js' }, text);
    };
  grpc.setLogger({ error: line('error'), info: line('info'), debug: line('debug') });
}
