import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';

/** A call's result as data: the reply, or the gRPC status it failed with. */
export type CallOutcome<T> = { ok: true; reply: T } | { ok: false; code: grpc.status; details: string };

export async function outcomeOf<T>(call: Promise<T>): Promise<CallOutcome<T>> {
  try {
    return { ok: true, reply: await call };
  } catch (error) {
    const failure = error as Partial<grpc.ServiceError>;
    if (typeof failure.code !== 'number') throw error;
    return { ok: false, code: failure.code, details: failure.details ?? '' };
  }
}

export const codeName = (code: grpc.status): string => grpc.status[code] ?? String(code);

/**
 * What every refusal must look like: a status the user can act on, with a message, and no stack trace or
 * file path leaking from the server.
 */
export function assertActionableError(outcome: { code: grpc.status; details: string }, allowed: readonly grpc.status[], context: string): void {
  assert.ok(allowed.includes(outcome.code), `${context}: got ${codeName(outcome.code)} (${outcome.details}); expected one of ${allowed.map(codeName).join(', ')}`);
  assert.ok(outcome.details.trim().length > 0, `${context}: ${codeName(outcome.code)} with an empty message`);
  assert.doesNotMatch(outcome.details, /\n\s+at |\.js:\d+|node:internal/, `${context}: the message leaks a stack trace: ${outcome.details}`);
}
