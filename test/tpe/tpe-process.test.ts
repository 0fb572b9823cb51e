import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { ValidateAlgorithmSettingsRequest } from '../../shared/wire/generated/api/v1/beta1/ValidateAlgorithmSettingsRequest.js';
import { decodeFixture, fixtureNames, suggestionsFixtureFor } from '../support/fixtures.js';
import { assignmentsOf } from '../support/requests.js';
import { processForSuite, withFreshProcess } from '../support/service-process.js';

/** A fixture request addressed to `algorithm`, with the model running from the first completed trial. */
const fixtureFor = (name: string, algorithm: string): GetSuggestionsRequest => suggestionsFixtureFor(name, algorithm, { n_startup_trials: '1' });

describe('the tpe service as a process', () => {
  const suite = processForSuite('tpe');

  it('answers health SERVING for the name Katib probes', async () => {
    assert.equal(await suite.client.healthCheck('manager.v1beta1.Suggestion'), 'SERVING');
  });

  it("validates Katib's tpe and multivariate-tpe experiments as sent", async () => {
    for (const name of ['tpe', 'multivariate-tpe']) {
      await suite.client.validate(decodeFixture<ValidateAlgorithmSettingsRequest>(`${name}.validate-algorithm-settings.bin`, 'ValidateAlgorithmSettingsRequest'));
    }
  });

  for (const algorithm of ['tpe', 'multivariate-tpe']) {
    for (const name of fixtureNames('.get-suggestions.bin').filter((name) => name !== 'reply')) {
      it(`${algorithm} serves Katib's ${name} request with exactly current_request_number in-space assignments`, async () => {
        const request = fixtureFor(name, algorithm);
        const reply = await suite.client.getSuggestions(request);
        assert.equal(reply.parameter_assignments.length, request.current_request_number);
        const parameters = request.experiment!.spec!.parameter_specs!.parameters!;
        for (const entry of reply.parameter_assignments) {
          assert.deepEqual(entry.assignments.map((a) => a.name), parameters.map((p) => p.name));
          for (const assignment of entry.assignments) {
            const space = parameters.find((p) => p.name === assignment.name)!.feasible_space!;
            if (space.list!.length > 0) {
              assert.ok(space.list!.includes(assignment.value!), `${assignment.name}=${assignment.value}`);
            } else {
              const value = Number(assignment.value);
              assert.ok(value >= Number(space.min) && value <= Number(space.max), `${assignment.name}=${assignment.value}`);
            }
          }
        }
      });
    }
  }

  it('gives the same reply from a second process, as after a restart', async () => {
    await withFreshProcess('tpe', async (second) => {
      for (const algorithm of ['tpe', 'multivariate-tpe']) {
        const request = fixtureFor('tpe', algorithm);
        assert.deepEqual(assignmentsOf(await second.getSuggestions(request)), assignmentsOf(await suite.client.getSuggestions(request)));
      }
    });
  });
});
