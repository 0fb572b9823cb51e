import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { namesOption } from '../../bench/commands/option-values.js';
import { parseTargetSpec } from '../../bench/targets/target.js';

describe('command-line values', () => {
  it('parses --target with its algorithm and settings, and refuses malformed ones', () => {
    assert.deepEqual(parseTargetSpec('katib-tpe=katib.example:6789,algorithm=tpe,random_state={seed}'), {
      label: 'katib-tpe',
      kind: 'endpoint',
      algorithm: 'tpe',
      settings: [{ name: 'random_state', value: '{seed}' }],
      address: 'katib.example:6789',
    });
    assert.equal(parseTargetSpec('tpe=127.0.0.1:1').algorithm, 'tpe');
    assert.throws(() => parseTargetSpec('justaname'), /expected label=host:port/);
    assert.throws(() => parseTargetSpec('x=host'), /expected label=host:port/);
    assert.throws(() => parseTargetSpec('x=host:1,novalue'), /"novalue" is not NAME=VALUE/);
  });

  it('accepts only known names in lists, with all for every one', () => {
    assert.deepEqual(namesOption('problems', 'all', ['a', 'b']), ['a', 'b']);
    assert.deepEqual(namesOption('problems', 'b, a', ['a', 'b']), ['b', 'a']);
    assert.equal(namesOption('problems', undefined, ['a']), undefined);
    assert.throws(() => namesOption('problems', 'a,nope', ['a', 'b']), /--problems: unknown "nope"/);
  });
});
