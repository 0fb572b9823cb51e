import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decodeFixtureAsJson, fixtureNames, readFixtureJson } from '../support/fixtures.js';

/** Which message each fixture file holds. */
const MESSAGE_OF_SUFFIX: Record<string, string> = {
  '.get-suggestions.bin': 'GetSuggestionsRequest',
  '.validate-algorithm-settings.bin': 'ValidateAlgorithmSettingsRequest',
  '.get-early-stopping-rules.bin': 'GetEarlyStoppingRulesRequest',
  '.validate-early-stopping-settings.bin': 'ValidateEarlyStoppingSettingsRequest',
};

describe('Katib wire fixtures decode with our proto exactly as Katib encoded them', () => {
  for (const [suffix, messageType] of Object.entries(MESSAGE_OF_SUFFIX)) {
    for (const name of fixtureNames(suffix)) {
      const type = name === 'reply' ? 'GetSuggestionsReply' : messageType;
      it(`${name}${suffix} as ${type}`, () => {
        const decoded = decodeFixtureAsJson(`${name}${suffix}`, type);
        assert.deepEqual(decoded, readFixtureJson(`${name}${suffix.replace('.bin', '.json')}`));
      });
    }
  }

  it('finds every kind of fixture', () => {
    assert.ok(fixtureNames('.get-suggestions.bin').length >= 7);
    assert.equal(fixtureNames('.get-early-stopping-rules.bin').length, 1);
  });
});
