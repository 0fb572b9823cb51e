import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ServiceError } from '../../shared/errors/service-error.js';
import { rngForRequest, type SeedSource } from '../../shared/random/seed.js';
import { choiceSetting, integerSetting, numberSetting, parseSettings } from '../../shared/settings/settings-schema.js';

const schema = {
  candidates: integerSetting(['n_ei_candidates', 'n_EI_candidates'], { min: 1 }, 24),
  gamma: numberSetting(['gamma'], { above: 0, below: 1 }, undefined),
  acquisition: choiceSetting(['acq_func'], ['EI', 'LCB'], 'EI', { EIps: 'EIps needs trial durations, which Katib does not report' }),
};

function rejection(raw: { name: string; value: string }[]): string {
  try {
    parseSettings(schema, raw, 'algorithm test');
  } catch (error) {
    assert.ok(error instanceof ServiceError);
    assert.equal(error.kind, 'invalid-request');
    return error.message;
  }
  assert.fail('expected the settings to be rejected');
}

describe('settings', () => {
  it('takes defaults and accepts every spelling', () => {
    assert.deepEqual(parseSettings(schema, [], 'algorithm test'), { candidates: 24, gamma: undefined, acquisition: 'EI' });
    assert.equal(parseSettings(schema, [{ name: 'n_EI_candidates', value: '7' }], 'x').candidates, 7);
    assert.equal(parseSettings(schema, [{ name: 'n_ei_candidates', value: ' 7 ' }], 'x').candidates, 7);
  });

  it('names the setting, its value and what is accepted', () => {
    assert.match(rejection([{ name: 'colour', value: 'red' }]), /unknown setting "colour" \(value "red"\); accepted settings: n_ei_candidates, n_EI_candidates, gamma, acq_func/);
    assert.match(rejection([{ name: 'gamma', value: '1' }]), /setting "gamma" has value "1"; expected a number > 0 and < 1/);
    assert.match(rejection([{ name: 'n_ei_candidates', value: '2.5' }]), /expected an integer >= 1/);
    assert.match(rejection([{ name: 'acq_func', value: 'EIps' }]), /EIps needs trial durations.*supported: EI, LCB/);
    assert.match(rejection([{ name: 'acq_func', value: 'ei' }]), /expected one of EI, LCB/);
  });

  it('rejects two spellings of one setting with different values', () => {
    assert.match(
      rejection([
        { name: 'n_ei_candidates', value: '5' },
        { name: 'n_EI_candidates', value: '6' },
      ]),
      /given twice with different values/,
    );
  });
});

describe('seeding', () => {
  const source: SeedSource = { experimentName: 'exp', randomState: undefined, trialNames: ['exp-a', 'exp-b', 'exp-c', 'exp-d'], totalRequestNumber: 6, currentRequestNumber: 2 };
  const draw = (overrides: Partial<SeedSource>) => rngForRequest({ ...source, ...overrides }).uniform();

  it('is a function of the request', () => {
    assert.equal(draw({}), draw({}));
  });

  it('changes with the experiment, its progress and random_state', () => {
    const base = draw({});
    const changes: Partial<SeedSource>[] = [
      { experimentName: 'other' },
      { trialNames: ['exp-a', 'exp-b', 'exp-c', 'exp-d', 'exp-e'] },
      { trialNames: ['exp-a', 'exp-b', 'exp-c', 'exp-x'] },
      { totalRequestNumber: 7 },
      { currentRequestNumber: 3 },
      { randomState: 1 },
    ];
    for (const changed of changes) {
      assert.notEqual(draw(changed), base, JSON.stringify(changed));
    }
  });

  it('with random_state, ignores the experiment name and the trial names', () => {
    assert.equal(draw({ randomState: 3, experimentName: 'a' }), draw({ randomState: 3, experimentName: 'b' }));
    assert.equal(draw({ randomState: 3, trialNames: ['a-1', 'a-2', 'a-3', 'a-4'] }), draw({ randomState: 3, trialNames: ['b-1', 'b-2', 'b-3', 'b-4'] }));
  });

  it('does not depend on the order of the trials', () => {
    assert.equal(draw({ trialNames: ['exp-d', 'exp-c', 'exp-b', 'exp-a'] }), draw({}));
  });
});
