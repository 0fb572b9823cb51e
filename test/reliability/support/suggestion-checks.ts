import assert from 'node:assert/strict';
import * as grpc from '@grpc/grpc-js';
import type { GetSuggestionsReply__Output } from '../../../shared/wire/generated/api/v1/beta1/GetSuggestionsReply.js';
import { assertActionableError, codeName, type CallOutcome } from './call-outcome.js';
import type { SuggestionsCase, ValidateCase } from './request-arbitraries.js';
import { pointIdentity } from './space-model.js';

const REFUSALS = [grpc.status.INVALID_ARGUMENT, grpc.status.FAILED_PRECONDITION];

/**
 * The fuzzing property of GetSuggestions: exactly current_request_number assignments, each a point of the space,
 * distinct from each other and from every trial as long as the space has unused points (the rest repeat trials
 * or each other); or a refusal with INVALID_ARGUMENT and a message, and the very code the case calls for.
 */
export function checkSuggestions(fuzzCase: SuggestionsCase, outcome: CallOutcome<GetSuggestionsReply__Output>): void {
  const expected = fuzzCase.expect;
  if (!outcome.ok) {
    assertActionableError(outcome, REFUSALS, 'GetSuggestions');
    if (expected.outcome === 'suggestions') assert.fail(`GetSuggestions refused a valid request with ${codeName(outcome.code)}: ${outcome.details}`);
    assert.equal(codeName(outcome.code), expected.code, `expected ${expected.code} because of ${expected.why}; got: ${outcome.details}`);
    return;
  }
  assert.equal(expected.outcome, 'suggestions', `GetSuggestions answered a request it must refuse (${expected.outcome === 'error' ? expected.why : ''})`);
  if (expected.outcome !== 'suggestions') return;
  const entries = outcome.reply.parameter_assignments;
  assert.equal(entries.length, expected.count, `asked for ${expected.count} assignments, got ${entries.length}`);
  const batch = new Set<string>();
  for (const [index, entry] of entries.entries()) {
    const identity = pointIdentity(expected.space, entry.assignments);
    if ('problem' in identity) assert.fail(`a suggested assignment is not in the space: ${identity.problem}`);
    // The new points come first; a repeat must not stand where a free point was still to be had.
    if (index < expected.distinct && expected.mayBeExhausted === undefined) {
      assert.ok(!batch.has(identity.id), `the batch repeats an assignment: ${JSON.stringify(entry.assignments)}`);
      assert.ok(!expected.usedIds.has(identity.id), `a suggestion repeats a trial's assignment: ${JSON.stringify(entry.assignments)}`);
    }
    batch.add(identity.id);
  }
}

/** The fuzzing property of ValidateAlgorithmSettings: OK for a valid experiment, INVALID_ARGUMENT with a message otherwise. */
export function checkValidate(fuzzCase: ValidateCase, outcome: CallOutcome<void>): void {
  const expected = fuzzCase.expect;
  if (outcome.ok) {
    assert.equal(expected.outcome, 'ok', `Validate accepted an experiment it must refuse (${expected.outcome === 'error' ? expected.why : ''})`);
    return;
  }
  assertActionableError(outcome, REFUSALS, 'ValidateAlgorithmSettings');
  if (expected.outcome === 'ok') assert.fail(`Validate refused a valid experiment with ${codeName(outcome.code)}: ${outcome.details}`);
  assert.equal(codeName(outcome.code), expected.code, `expected ${expected.code} because of ${expected.why}; got: ${outcome.details}`);
}

/** Tallies outcomes by status name, for the figures the suite reports. */
export class OutcomeTally {
  readonly counts = new Map<string, number>();

  add(outcome: CallOutcome<unknown>): void {
    const name = outcome.ok ? 'OK' : codeName(outcome.code);
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
  }

  get total(): number {
    return [...this.counts.values()].reduce((sum, count) => sum + count, 0);
  }

  toString(): string {
    return [...this.counts.entries()].map(([name, count]) => `${name} ${count}`).join(', ');
  }
}
