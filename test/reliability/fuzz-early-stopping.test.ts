import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import type { GetEarlyStoppingRulesReply__Output } from '../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesReply.js';
import { startMedianStop, type RunningMedianStop } from '../medianstop/medianstop-server.js';
import { startDbManagerStandIn, type DbManagerStandIn } from '../../bench/katib/db-manager-stand-in.js';
import { assertActionableError, codeName, outcomeOf, type CallOutcome } from './support/call-outcome.js';
import { earlyStoppingSpec, rulesCase, withUniqueNames, type RulesCase } from './support/early-stopping-arbitraries.js';
import { caseCount, fuzzSeed } from './support/env-config.js';
import { OutcomeTally } from './support/suggestion-checks.js';
import { CALL_HANG_GUARD_MS } from '../support/hang-guard.js';

/**
 * Property-based fuzzing of the medianstop service over the real socket, with a stand-in DB manager holding
 * random metric logs (garbage values, unreadable time stamps, other metrics): GetEarlyStoppingRules gives the
 * median stopping rule Katib's semantics call for, or INVALID_ARGUMENT for a defective request;
 * ValidateEarlyStoppingSettings accepts exactly the valid specs; SetTrialStatus refuses bad names with
 * INVALID_ARGUMENT and, with no Kubernetes configuration, the rest with FAILED_PRECONDITION. Never INTERNAL.
 *
 * RELIABILITY_FUZZ_CASES sets the rules cases (default 600, times RELIABILITY_SCALE); the other methods get half.
 */

describe('fuzzing the medianstop service', () => {
  let db: DbManagerStandIn;
  let server: RunningMedianStop;
  before(async () => {
    db = await startDbManagerStandIn();
    // No retries: the stand-in DB manager is either there or the case is about its address.
    server = await startMedianStop({ dbManager: { attempts: 1, deadlineMs: 5_000 }, kubernetesEnv: {} });
  });
  after(async () => {
    await server.close();
    await db.close();
  });

  const cases = caseCount('RELIABILITY_FUZZ_CASES', 600);
  let calls = 0;

  it(`GetEarlyStoppingRules answers ${cases} random requests with the median rule or INVALID_ARGUMENT`, async (t) => {
    const tally = new OutcomeTally();
    await fc.assert(
      fc.asyncProperty(rulesCase(db.address), async (generated) => {
        const fuzzCase = withUniqueNames(generated, `call-${calls++}`);
        db.logs.clear();
        for (const [name, lines] of Object.entries(fuzzCase.logs)) db.logs.set(name, lines);
        const outcome = await outcomeOf(server.client.getRules(fuzzCase.request, CALL_HANG_GUARD_MS));
        tally.add(outcome);
        checkRules(fuzzCase, outcome);
      }),
      { numRuns: cases, seed: fuzzSeed() },
    );
    t.diagnostic(`GetEarlyStoppingRules: ${tally.total} calls (${tally})`);
    assert.equal(await server.client.healthCheck(''), 'SERVING');
  });

  it('ValidateEarlyStoppingSettings accepts the valid specs and refuses the defective ones', async (t) => {
    const tally = new OutcomeTally();
    await fc.assert(
      fc.asyncProperty(earlyStoppingSpec, async (settings) => {
        const outcome = await outcomeOf(server.client.validate(settings.spec === undefined ? {} : { early_stopping: settings.spec }, CALL_HANG_GUARD_MS));
        tally.add(outcome);
        if (settings.defect === undefined) assert.ok(outcome.ok, outcome.ok ? '' : outcome.details);
        else {
          assert.ok(!outcome.ok, `accepted a spec with ${settings.defect}`);
          assertActionableError(outcome, [grpc.status.INVALID_ARGUMENT], settings.defect);
        }
      }),
      { numRuns: Math.ceil(cases / 2), seed: fuzzSeed() },
    );
    t.diagnostic(`ValidateEarlyStoppingSettings: ${tally.total} calls (${tally})`);
  });

  it('SetTrialStatus refuses any trial name with an actionable status, never INTERNAL', async (t) => {
    const tally = new OutcomeTally();
    const objectName = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
    const name = fc.oneof(fc.stringMatching(/^[a-z0-9][-a-z0-9.]{0,30}[a-z0-9]$/), fc.string({ maxLength: 300, unit: 'binary' }));
    await fc.assert(
      fc.asyncProperty(name, async (trialName) => {
        const outcome = await outcomeOf(server.client.setTrialStatus(trialName, CALL_HANG_GUARD_MS));
        tally.add(outcome);
        assert.ok(!outcome.ok, 'marked a trial with no Kubernetes configuration at all');
        const valid = trialName.length <= 253 && objectName.test(trialName);
        assertActionableError(outcome, [valid ? grpc.status.FAILED_PRECONDITION : grpc.status.INVALID_ARGUMENT], JSON.stringify(trialName));
      }),
      { numRuns: Math.ceil(cases / 2), seed: fuzzSeed() },
    );
    t.diagnostic(`SetTrialStatus: ${tally.total} calls (${tally})`);
  });
});

function checkRules(fuzzCase: RulesCase, outcome: CallOutcome<GetEarlyStoppingRulesReply__Output>): void {
  const expected = fuzzCase.expect;
  if (expected.outcome === 'error') {
    assert.ok(!outcome.ok, `answered a request with ${expected.why}`);
    assertActionableError(outcome, [grpc.status.INVALID_ARGUMENT], expected.why);
    return;
  }
  assert.ok(outcome.ok, outcome.ok ? '' : `${codeName(outcome.code)}: ${outcome.details}`);
  const rules = outcome.reply.early_stopping_rules;
  if (expected.median === undefined) {
    assert.deepEqual(rules, []);
    return;
  }
  assert.equal(rules.length, 1);
  const rule = rules[0]!;
  assert.equal(rule.name, expected.metric);
  assert.equal(rule.comparison, expected.comparison);
  assert.equal(rule.start_step, expected.startStep);
  const value = Number(rule.value);
  assert.ok(Math.abs(value - expected.median) <= 1e-9 * Math.max(1, Math.abs(expected.median)), `rule value ${rule.value}, median of the early averages ${expected.median}`);
}
