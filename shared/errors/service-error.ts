/**
 * The failures a service reports to its caller. The kinds are named after the gRPC status they become
 * (see server/status-mapping.ts), but nothing here depends on gRPC, so algorithm code can throw them.
 */
export type ErrorKind =
  | 'INVALID_ARGUMENT'
  | 'FAILED_PRECONDITION'
  | 'NOT_FOUND'
  | 'UNAVAILABLE';

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
export function invalidArgument(message: string): ServiceError {
  return new ServiceError('INVALID_ARGUMENT', message);
}

/** The request is well formed but cannot be served in the experiment's current state (e.g. an exhausted space). */
export function failedPrecondition(message: string): ServiceError {
  return new ServiceError('FAILED_PRECONDITION', message);
}

/** Renders a value for an error message so that empty and padded strings stay visible. */
export function quote(value: unknown): string {
  return JSON.stringify(value) ?? String(value);
}

/** The message of anything thrown: an Error's message, or the thrown value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
