/**
 * The failures a service reports to its caller, named by what went wrong. Nothing here knows gRPC, so algorithm
 * and adapter code can throw them; server/status-mapping.ts is the one place that turns a kind into a status.
 */
export type ErrorKind =
  /** A spec, setting or request field is wrong; the user has to change it. */
  | 'invalid-request'
  /** Every distinct assignment of the search space is taken. */
  | 'space-exhausted'
  /** The process lacks configuration a call needs (where the trials are, how to reach the Kubernetes API). */
  | 'not-configured'
  /** The service account may not do what the call needs. */
  | 'not-permitted'
  /** The trial the call names does not exist. */
  | 'trial-not-found'
  /** A service we depend on (Katib's DB manager, the Kubernetes API) is unreachable, slow or failing. */
  | 'dependency-unavailable'
  /**
   * The reply depends on trials that are still running (hyperband's next rung): the same call succeeds once they
   * report. Katib retries a failed call, so this is how a service makes it wait.
   */
  | 'awaiting-results'
  /** Another writer kept changing the object we were updating; a retry later may succeed. */
  | 'write-contention'
  /** This process is draining; another replica, or this one restarted, will answer. */
  | 'shutting-down';

export class ServiceError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** A bad experiment spec, setting or request field: the message names the field, the value and what was expected. */
export function invalidRequest(message: string): ServiceError {
  return new ServiceError('invalid-request', message);
}

/** No unused assignment is left for the request. */
export function spaceExhausted(message: string): ServiceError {
  return new ServiceError('space-exhausted', message);
}

export function notConfigured(message: string): ServiceError {
  return new ServiceError('not-configured', message);
}

export function notPermitted(message: string): ServiceError {
  return new ServiceError('not-permitted', message);
}

export function trialNotFound(message: string): ServiceError {
  return new ServiceError('trial-not-found', message);
}

export function dependencyUnavailable(message: string): ServiceError {
  return new ServiceError('dependency-unavailable', message);
}

export function awaitingResults(message: string): ServiceError {
  return new ServiceError('awaiting-results', message);
}

export function writeContention(message: string): ServiceError {
  return new ServiceError('write-contention', message);
}

export function shuttingDown(message: string): ServiceError {
  return new ServiceError('shutting-down', message);
}

/** Renders a value for an error message so that empty and padded strings stay visible. */
export function quote(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}
