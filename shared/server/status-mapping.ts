import { status, type ServiceError as GrpcServiceError } from '@grpc/grpc-js';
import { ServiceError, type ErrorKind } from '../errors/service-error.js';

/** The gRPC code each kind of failure is answered with: what Katib's controller and users act on. */
function grpcCodeOf(kind: ErrorKind): status {
  switch (kind) {
    case 'invalid-request':
      return status.INVALID_ARGUMENT;
    case 'space-exhausted':
    case 'not-configured':
    case 'not-permitted':
      return status.FAILED_PRECONDITION;
    case 'trial-not-found':
      return status.NOT_FOUND;
    case 'dependency-unavailable':
    case 'awaiting-results':
    case 'write-contention':
    case 'shutting-down':
      return status.UNAVAILABLE;
  }
}

/**
 * The one place where our errors become gRPC statuses. A ServiceError keeps its message (written for the user);
 * anything else is a bug of ours and is reported as INTERNAL without its stack, which goes to the log instead.
 */
export function toGrpcStatus(error: unknown): Pick<GrpcServiceError, 'code' | 'details'> & { message: string } {
  if (error instanceof ServiceError) {
    return { code: grpcCodeOf(error.kind), details: error.message, message: error.message };
  }
  const details = 'internal error while handling the call; the service log has the details';
  return { code: status.INTERNAL, details, message: details };
}

/** The status name for a code, as used in logs and metric labels. */
export function statusName(code: status): string {
  return status[code] ?? String(code);
}
