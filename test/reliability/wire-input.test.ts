import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { katibApi } from '../../shared/wire/katib-api.js';
import { intParameter, experiment, suggestionsRequest, trial } from '../support/requests.js';
import { startServiceProcess, type ServiceProcess } from '../../bench/targets/service-process.js';
import { assertActionableError, codeName, type CallOutcome } from './support/call-outcome.js';
import { caseCount, fuzzSeed } from './support/env-config.js';
import { HTTP2_PREFACE, RawClient, sendRawTcp } from './support/raw-call.js';
import { algorithmNames, SUGGESTION_SERVICES } from './support/suggestion-services.js';
import { wireTargets, type WireMethod } from './support/wire-targets.js';
import { requiredSettings } from '../support/required-settings.js';
import { CALL_HANG_GUARD_MS } from '../support/hang-guard.js';

/**
 * Hostile bytes on the wire, against each service as its own process: random bytes, damaged and truncated
 * copies of Katib's own requests, non-gRPC traffic on the port, and messages past GRPC_MAX_MESSAGE_BYTES. Every
 * call gets a reply or a status, never a hang; the process keeps serving and logs no error of its own.
 *
 * RELIABILITY_WIRE_CASES sets the random cases per service (default 400, times RELIABILITY_SCALE).
 */

/** A small limit, so that "past the limit" messages are cheap to build. */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** What grpc-js answers, before any handler runs, for bytes that are not a message of the method's type. */
const NOT_A_MESSAGE = 'Error deserializing request';
/** What the suggestion services answer for such bytes: they decode requests themselves, in a worker thread. */
const NOT_AN_ENCODED_REQUEST = /^the request to \/api\.v1\.beta1\.Suggestion\/\w+ is not an encoded \w+ request message: /;

/** The property of one call: a reply, a refusal the method is allowed to give, or an undecodable-bytes status. */
function judge(method: WireMethod, bytes: Buffer, outcome: CallOutcome<Buffer>): void {
  if (outcome.ok) return;
  const undecodable =
    (outcome.code === grpc.status.INTERNAL && outcome.details === NOT_A_MESSAGE) ||
    (outcome.code === grpc.status.INVALID_ARGUMENT && NOT_AN_ENCODED_REQUEST.test(outcome.details));
  if (undecodable) {
    assert.notEqual(method.decodes?.(bytes), true, `${method.path}: refused as undecodable bytes that decode here: ${outcome.details}`);
    return;
  }
  assertActionableError(outcome, method.refusals, `${method.path} with ${bytes.length} spoiled bytes`);
}

/** Spoiled copies of a seed: random bytes, overwritten bytes, a cut, an insertion. */
function spoiled(seeds: Buffer[]): fc.Arbitrary<Buffer> {
  const seed = fc.nat(seeds.length - 1).map((index) => seeds[index]!);
  return fc.oneof(
    fc.uint8Array({ maxLength: 600 }).map((bytes) => Buffer.from(bytes)),
    fc.tuple(seed, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 })).map(([bytes, changes]) => {
      const copy = Buffer.from(bytes);
      for (const [at, value] of changes) if (copy.length > 0) copy[at % copy.length] = value;
      return copy;
    }),
    fc.tuple(seed, fc.double({ min: 0, max: 1, noNaN: true })).map(([bytes, share]) => bytes.subarray(0, Math.floor(share * bytes.length))),
    fc.tuple(seed, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 16 })).map(([bytes, at, extra]) => {
      const cut = bytes.length === 0 ? 0 : at % bytes.length;
      return Buffer.concat([bytes.subarray(0, cut), Buffer.from(extra), bytes.subarray(cut)]);
    }),
  );
}

/** Prefixes of `bytes` at about `count` evenly spaced lengths, the empty one and the full one included. */
function prefixes(bytes: Buffer, count: number): Buffer[] {
  const stride = Math.max(1, Math.floor(bytes.length / count));
  const cuts: Buffer[] = [];
  for (let length = 0; length < bytes.length; length += stride) cuts.push(bytes.subarray(0, length));
  return cuts;
}

/** A GetSuggestions request of about `bytes` bytes: many running trials with long names, all valid. */
function suggestionsOfSize(algorithm: string, bytes: number): Buffer {
  const spec = experiment({ name: 'size', algorithm, settings: requiredSettings(algorithm, { parameter: 'a', largest: '9' }), parameters: [intParameter('a', '1', '1000000')] });
  const padding = 'p'.repeat(100);
  const trials = Array.from({ length: Math.ceil(bytes / 130) }, (_, i) => trial(`${padding}-${i}`, { a: String(i + 1) }, 'RUNNING'));
  return katibApi.Suggestion.service.GetSuggestions.requestSerialize(suggestionsRequest(spec, trials, 1));
}

/** A small request whose reply is far past the limit: 100 assignments of four parameters with 300-character names. */
function hugeReplyRequest(algorithm: string): Buffer {
  const parameters = [0, 1, 2, 3].map((i) => intParameter(`${String(i).repeat(300)}`, '1', '1000000'));
  const settings = requiredSettings(algorithm, { parameter: parameters[0]!.name!, largest: '9' });
  return katibApi.Suggestion.service.GetSuggestions.requestSerialize(suggestionsRequest(experiment({ name: 'huge-reply', algorithm, settings, parameters }), [], 100));
}

for (const target of wireTargets()) {
  describe(`hostile wire input to the ${target.service} process`, () => {
    let service: ServiceProcess;
    let raw: RawClient;
    before(async () => {
      service = await startServiceProcess(target.service, { env: { GRPC_MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES), WORKER_THREADS: '1' } });
      raw = new RawClient(service.address);
    });
    after(async () => {
      raw.close();
      assert.equal(await service.stop('SIGTERM'), 0);
    });

    it('answers random, damaged and truncated requests to every method with a reply or a status', async (t) => {
      const cases = caseCount('RELIABILITY_WIRE_CASES', 400);
      const codes = new Map<string, number>();
      const count = (outcome: CallOutcome<Buffer>) => {
        const name = outcome.ok ? 'OK' : codeName(outcome.code);
        codes.set(name, (codes.get(name) ?? 0) + 1);
      };
      await fc.assert(
        fc.asyncProperty(
          fc.nat(target.methods.length - 1).chain((index) => fc.tuple(fc.constant(target.methods[index]!), spoiled(target.methods[index]!.seeds))),
          async ([method, bytes]) => {
            const outcome = await raw.call(method.path, bytes, CALL_HANG_GUARD_MS);
            count(outcome);
            judge(method, bytes, outcome);
          },
        ),
        { numRuns: cases, seed: fuzzSeed() },
      );
      for (const method of target.methods) {
        for (const seed of method.seeds.slice(0, 2)) {
          for (const prefix of prefixes(seed, 60)) {
            const outcome = await raw.call(method.path, prefix, CALL_HANG_GUARD_MS);
            count(outcome);
            judge(method, prefix, outcome);
          }
        }
      }
      t.diagnostic(`${target.service}: ${[...codes.values()].reduce((a, b) => a + b, 0)} spoiled calls (${[...codes].map(([code, n]) => `${code} ${n}`).join(', ')})`);
    });

    it('survives connections that do not speak gRPC, or not even HTTP/2', async () => {
      const garbage = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) & 0xff));
      await sendRawTcp(service.address, garbage);
      await sendRawTcp(service.address, Buffer.from('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n'));
      await sendRawTcp(service.address, Buffer.concat([HTTP2_PREFACE, garbage]));
      // A SETTINGS frame header that announces far more payload than ever arrives.
      await sendRawTcp(service.address, Buffer.concat([HTTP2_PREFACE, Buffer.from([0xff, 0xff, 0xff, 0x04, 0x00, 0, 0, 0, 0])]));
    });

    if (target.service !== 'medianstop') {
      const algorithm = algorithmNames(SUGGESTION_SERVICES.find((s) => s.service === target.service)!)[0]!;
      const path = katibApi.Suggestion.service.GetSuggestions.path;

      it(`refuses a request past GRPC_MAX_MESSAGE_BYTES=${MAX_MESSAGE_BYTES} with RESOURCE_EXHAUSTED, and serves one within it`, async () => {
        const within = suggestionsOfSize(algorithm, MAX_MESSAGE_BYTES * 0.75);
        const past = suggestionsOfSize(algorithm, MAX_MESSAGE_BYTES * 1.25);
        assert.ok(within.length < MAX_MESSAGE_BYTES && past.length > MAX_MESSAGE_BYTES);
        const served = await raw.call(path, within, CALL_HANG_GUARD_MS);
        assert.ok(served.ok, `a ${within.length}-byte request failed: ${served.ok ? '' : served.details}`);
        const refused = await raw.call(path, past, CALL_HANG_GUARD_MS);
        assert.equal(refused.ok ? 'OK' : codeName(refused.code), 'RESOURCE_EXHAUSTED');
      });

      it('refuses to send a reply past the limit with RESOURCE_EXHAUSTED', async () => {
        const outcome = await raw.call(path, hugeReplyRequest(algorithm), CALL_HANG_GUARD_MS);
        assert.equal(outcome.ok ? `OK with ${outcome.reply.length} bytes` : codeName(outcome.code), 'RESOURCE_EXHAUSTED');
      });
    } else {
      it(`refuses a request past GRPC_MAX_MESSAGE_BYTES=${MAX_MESSAGE_BYTES} with RESOURCE_EXHAUSTED`, async () => {
        const early = katibApi.EarlyStopping.service.GetEarlyStoppingRules;
        const trials = Array.from({ length: 700 }, (_, i) => trial(`${'p'.repeat(100)}-${i}`, { lr: '0.01' }, 'RUNNING'));
        const past = early.requestSerialize({ experiment: { name: 'big' }, trials, db_manager_address: '127.0.0.1:1' });
        assert.ok(past.length > MAX_MESSAGE_BYTES);
        const outcome = await raw.call(early.path, past, CALL_HANG_GUARD_MS);
        assert.equal(outcome.ok ? 'OK' : codeName(outcome.code), 'RESOURCE_EXHAUSTED');
      });
    }

    it('is still serving afterwards, and logged no error of its own', async () => {
      assert.equal(service.child.exitCode, null, 'the process exited');
      const health = await raw.call('/grpc.health.v1.Health/Check', Buffer.alloc(0), CALL_HANG_GUARD_MS);
      assert.ok(health.ok, `health failed: ${health.ok ? '' : health.details}`);
      const seedMethod = target.methods[0]!;
      const again = await raw.call(seedMethod.path, seedMethod.seeds[0]!, CALL_HANG_GUARD_MS);
      judge(seedMethod, seedMethod.seeds[0]!, again);
      const errors = service.logs.filter((line) => typeof line['level'] === 'number' && (line['level'] as number) >= 50);
      assert.deepEqual(errors, [], 'error or fatal log lines');
    });
  });
}
