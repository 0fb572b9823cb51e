import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { doubleParameter, experiment, intParameter, suggestionsRequest } from '../support/requests.js';
import { assertActionableError, outcomeOf } from './support/call-outcome.js';
import { WorkerBackedServer } from './support/worker-backed-server.js';
import { CALL_HANG_GUARD_MS } from '../support/hang-guard.js';

/**
 * The shared-code bugs the fuzzer found, each pinned to its smallest request. They run against worker threads
 * with a deadline, so that the two that used to loop forever fail here instead of hanging the test run.
 */

describe('requests the fuzzer found', () => {
  let server: WorkerBackedServer;
  before(async () => {
    server = await WorkerBackedServer.start('random');
  });
  after(async () => {
    await server.close();
  });

  const random = (parameters: ReturnType<typeof doubleParameter>[]) => experiment({ name: 'found', algorithm: 'random', parameters });

  it('a DOUBLE with only a few representable values in its range: suggestions while they last, then repeats, never an error or a hang', async () => {
    // [-6e-323, 3e-323] holds 19 doubles, and [1, 1.00000000001] two twelve-digit decimals: "continuous", yet tiny.
    for (const [min, max, few] of [['-6e-323', '3e-323', 5], ['1', '1.00000000001', 1]] as const) {
      const spec = random([doubleParameter('a', min, max)]);
      const fine = await server.client.getSuggestions(suggestionsRequest(spec, [], few), CALL_HANG_GUARD_MS);
      assert.equal(fine.parameter_assignments.length, few);
      const outcome = await outcomeOf(server.client.getSuggestions(suggestionsRequest(spec, [], 40), CALL_HANG_GUARD_MS));
      if (!outcome.ok && outcome.code === grpc.status.DEADLINE_EXCEEDED) await server.recycle();
      assert.ok(outcome.ok, `[${min}, ${max}]: ${outcome.ok ? '' : outcome.details}`);
      if (outcome.ok) {
        const values = outcome.reply.parameter_assignments.map((entry) => entry.assignments[0]!.value);
        assert.equal(values.length, 40);
        assert.ok(new Set(values).size < 40, `[${min}, ${max}]: 40 distinct values cannot exist`);
      }
    }
  });

  it('a DOUBLE range wider than the largest double is refused with INVALID_ARGUMENT, not answered with NaN or a hang', async () => {
    const spec = random([doubleParameter('a', '-1e308', '1e308')]);
    const outcome = await outcomeOf(server.client.getSuggestions(suggestionsRequest(spec, [], 2), CALL_HANG_GUARD_MS));
    if (!outcome.ok && outcome.code === grpc.status.DEADLINE_EXCEEDED) await server.recycle();
    assert.equal(outcome.ok, false, `answered ${JSON.stringify(outcome.ok && outcome.reply.parameter_assignments)}`);
    if (!outcome.ok) {
      assertActionableError(outcome, [grpc.status.INVALID_ARGUMENT], 'range');
      assert.match(outcome.details, /"a"/);
    }
    const validate = await outcomeOf(server.client.validate({ experiment: spec }, CALL_HANG_GUARD_MS));
    assert.equal(validate.ok, false);
  });

  it('a single-valued NORMAL DOUBLE far from zero: its one value, not an endless draw', async () => {
    // min == max == 3.08e188: the cell [min - 0.5, min + 0.5] collapses to a point in floating point.
    const spec = random([doubleParameter('a', '3.077191513232879e+188', '3.077191513232879e+188', { distribution: 'NORMAL' }), intParameter('b', '1', '50')]);
    const outcome = await outcomeOf(server.client.getSuggestions(suggestionsRequest(spec, [], 3), CALL_HANG_GUARD_MS));
    if (!outcome.ok && outcome.code === grpc.status.DEADLINE_EXCEEDED) await server.recycle();
    assert.ok(outcome.ok, outcome.ok ? '' : outcome.details);
    for (const entry of outcome.reply.parameter_assignments) assert.equal(Number(entry.assignments[0]!.value), 3.077191513232879e188);
  });

  it('bounds with more than twelve significant digits: every suggested value stays inside [min, max]', async () => {
    const spec = random([
      doubleParameter('single', '-1000000000000.5', '-1000000000000.5'),
      doubleParameter('narrow', '0.1234567890123', '0.1234567890124'),
      doubleParameter('lattice', '1000000055290.5001', '1000000055299.5001', { step: '1' }),
      intParameter('b', '0', '100'),
    ]);
    const reply = await server.client.getSuggestions(suggestionsRequest(spec, [], 20), CALL_HANG_GUARD_MS);
    for (const entry of reply.parameter_assignments) {
      const value = (name: string) => Number(entry.assignments.find((a) => a.name === name)!.value);
      assert.equal(value('single'), -1000000000000.5);
      assert.ok(value('narrow') >= 0.1234567890123 && value('narrow') <= 0.1234567890124, String(value('narrow')));
      assert.ok(value('lattice') >= 1000000055290.5001 && value('lattice') <= 1000000055299.5001, String(value('lattice')));
    }
  });
});
