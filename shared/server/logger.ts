import { pino, type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout, one object per event, as log collectors in Kubernetes expect. */
export function createLogger(level: string, service: string): Logger {
  return pino({ level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
