import assert from 'node:assert/strict';
import { status } from '@grpc/grpc-js';
import { test } from 'node:test';
import { ServiceError, type ErrorKind } from '../../shared/errors/service-error.js';
import { toGrpcStatus } from '../../shared/server/status-mapping.js';

test('each kind of failure is answered with the gRPC code Katib and users act on, its message kept', () => {
  const expected: Record<ErrorKind, status> = {
    'invalid-request': status.INVALID_ARGUMENT,
    'space-exhausted': status.FAILED_PRECONDITION,
    'not-configured': status.FAILED_PRECONDITION,
    'not-permitted': status.FAILED_PRECONDITION,
    'trial-not-found': status.NOT_FOUND,
    'dependency-unavailable': status.UNAVAILABLE,
    'awaiting-results': status.UNAVAILABLE,
    'write-contention': status.UNAVAILABLE,
    'shutting-down': status.UNAVAILABLE,
  };
  for (const [kind, code] of Object.entries(expected) as [ErrorKind, status][]) {
    assert.deepEqual(toGrpcStatus(new ServiceError(kind, `what went wrong: ${kind}`)), { code, details: `what went wrong: ${kind}`, message: `what went wrong: ${kind}` });
  }
});

test('anything else is INTERNAL, and its message stays in the log', () => {
  const answered = toGrpcStatus(new TypeError('x is undefined'));
  assert.equal(answered.code, status.INTERNAL);
  assert.doesNotMatch(answered.details, /x is undefined/);
});
