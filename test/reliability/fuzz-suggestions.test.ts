import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import fc from 'fast-check';
import { experiment, intParameter, suggestionsRequest } from '../support/requests.js';
import { outcomeOf, type CallOutcome } from './support/call-outcome.js';
import { caseCount, fuzzSeed } from './support/env-config.js';
import { suggestionsCase, validateCase } from './support/request-arbitraries.js';
import { checkSuggestions, checkValidate, OutcomeTally } from './support/suggestion-checks.js';
import { algorithmNames, SUGGESTION_SERVICES, type AlgorithmProfile } from './support/suggestion-services.js';
import { WorkerBackedServer } from './support/worker-backed-server.js';
import { CALL_HANG_GUARD_MS } from '../support/hang-guard.js';

/**
 * Property-based fuzzing of every suggestion service's GetSuggestions and ValidateAlgorithmSettings over the real
 * socket: random valid spaces of every type and distribution, random histories (every state, garbage and missing
 * metrics, repeated and hostile assignments), random request sizes, and experiments with one defect each.
 *
 * Case counts: RELIABILITY_FUZZ_CASES sets GetSuggestions cases per algorithm (default below, times
 * RELIABILITY_SCALE); Validate gets a third as many. Failures print fast-check's seed and path to replay.
 */

/** No fuzzed request may take longer than this; a call that does has hung (or nearly) and fails the property. */

/** GetSuggestions cases per algorithm (about 2,000 calls per service with Validate), near a minute in all on two cores. */
const DEFAULT_CASES: Record<string, number> = {
  random: 1500,
  grid: 1500,
  tpe: 750,
  'multivariate-tpe': 750,
  bayesianoptimization: 1500,
};

for (const service of SUGGESTION_SERVICES) {
  describe(`fuzzing the ${service.service} service`, () => {
    let server: WorkerBackedServer;
    before(async () => {
      server = await WorkerBackedServer.start(service.service);
    });
    after(async () => {
      await server.close();
    });

    /** Runs one call with the deadline; an overrun recycles the server so that later cases are unaffected. */
    async function call<T>(make: () => Promise<T>): Promise<CallOutcome<T>> {
      const outcome = await outcomeOf(make());
      if (!outcome.ok && outcome.code === grpc.status.DEADLINE_EXCEEDED) await server.recycle();
      return outcome;
    }

    for (const [index, profile] of service.profiles.entries()) {
      const name = profile.algorithm.name;
      // Algorithms of one service get cases of their own, not the same ones under another name.
      const seed = fuzzSeed() + index;
      const cases = caseCount('RELIABILITY_FUZZ_CASES', DEFAULT_CASES[name] ?? 1000);

      it(`${name}: GetSuggestions answers ${cases} random requests with valid suggestions or an actionable refusal`, async (t) => {
        const tally = new OutcomeTally();
        await fc.assert(
          fc.asyncProperty(suggestionsCase(profile, algorithmNames(service)), async (fuzzCase) => {
            const outcome = await call(() => server.client.getSuggestions(fuzzCase.request, CALL_HANG_GUARD_MS));
            tally.add(outcome);
            checkSuggestions(fuzzCase, outcome);
          }),
          { numRuns: cases, seed },
        );
        t.diagnostic(`${name} GetSuggestions: ${tally.total} calls (${tally})`);
        await assertStillServing(server, profile);
      });

      it(`${name}: ValidateAlgorithmSettings accepts valid experiments and refuses defective ones`, async (t) => {
        const tally = new OutcomeTally();
        await fc.assert(
          fc.asyncProperty(validateCase(profile, algorithmNames(service)), async (fuzzCase) => {
            const outcome = await call(() => server.client.validate(fuzzCase.experiment === undefined ? {} : { experiment: fuzzCase.experiment }, CALL_HANG_GUARD_MS));
            tally.add(outcome);
            checkValidate(fuzzCase, outcome);
          }),
          { numRuns: Math.ceil(cases / 3), seed },
        );
        t.diagnostic(`${name} ValidateAlgorithmSettings: ${tally.total} calls (${tally})`);
        await assertStillServing(server, profile);
      });
    }
  });
}

/** After the fuzzing the server answers health, and a plain request, as before. */
async function assertStillServing(server: WorkerBackedServer, profile: AlgorithmProfile): Promise<void> {
  assert.equal(await server.client.healthCheck('manager.v1beta1.Suggestion'), 'SERVING');
  const budget = profile.budget;
  const spec = experiment({
    name: 'after-fuzzing',
    algorithm: profile.algorithm.name,
    parameters: [intParameter('a', '1', '100'), ...(budget === undefined ? [] : [budget.parameter.spec])],
    settings: Object.fromEntries((budget?.settings ?? []).map((setting) => [setting.name, setting.value])),
  });
  const reply = await server.client.getSuggestions(suggestionsRequest(spec, [], 2));
  assert.equal(reply.parameter_assignments.length, 2);
}
