import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { editKatibConfig, KatibConfigFormatError } from '../../ops/katib-config/edit-katib-config.js';
import type { Entry } from '../../ops/katib-config/registration-entries.js';

// The text edits behind katib-ts register, on the shapes a KatibConfig can take besides the common one
// (test/ops/register.test.ts drives the common one through the command).

const tpe: Entry = { algorithmName: 'tpe', image: 'registry.example.com/ml/suggestion-tpe:v1', env: [{ name: 'WORKER_THREADS', value: '1' }] };
const add = { section: 'suggestions' as const, algorithm: 'tpe', entry: tpe };

describe('editing a KatibConfig text', () => {
  it('adds after the last item at its indentation, whatever that indentation is, and keeps the rest byte for byte', () => {
    const text = 'runtime:\n  suggestions:\n  -   algorithmName: random   # ours before\n      image: a:b\n  earlyStoppings: []\n';
    const { text: edited, outcomes } = editKatibConfig(text, [add]);
    assert.equal(edited, `${text.slice(0, text.indexOf('  earlyStoppings'))}  -   algorithmName: tpe\n      image: registry.example.com/ml/suggestion-tpe:v1\n      env:\n        - name: WORKER_THREADS\n          value: "1"\n  earlyStoppings: []\n`);
    assert.deepEqual(outcomes.map((outcome) => outcome.action), ['added']);
  });

  it('creates a missing list, or fills an empty or flow-style one, by printing the document anew with the same data', () => {
    for (const text of ['kind: KatibConfig\n', 'runtime:\n', 'runtime:\n  suggestions: []\n', 'runtime: {suggestions: [{algorithmName: random, image: a:b}]}\n']) {
      const edited = editKatibConfig(text, [add]).text;
      const suggestions = (parse(edited) as { runtime: { suggestions: Entry[] } }).runtime.suggestions;
      assert.deepEqual(suggestions[suggestions.length - 1], tpe, text);
    }
  });

  it('an entry already as wanted is left alone, and so is the whole text', () => {
    const text = `runtime:\n  suggestions:\n    - {algorithmName: tpe, image: "registry.example.com/ml/suggestion-tpe:v1", env: [{name: WORKER_THREADS, value: '1'}]}\n`;
    const { text: edited, outcomes } = editKatibConfig(text, [add]);
    assert.equal(edited, text);
    assert.deepEqual(outcomes.map((outcome) => outcome.action), ['unchanged']);
  });

  it('removes an entry with its lines, and the comment above the next one stays', () => {
    const text = 'runtime:\n  suggestions:\n    - algorithmName: tpe\n      image: x:y\n    # stock hyperband\n    - algorithmName: hyperband\n      image: h:1\n';
    const { text: edited } = editKatibConfig(text, [{ section: 'suggestions', algorithm: 'tpe', entry: null }]);
    assert.equal(edited, 'runtime:\n  suggestions:\n    # stock hyperband\n    - algorithmName: hyperband\n      image: h:1\n');
  });

  it('refuses what is not a KatibConfig, saying what is wrong', () => {
    const cases: [string, RegExp][] = [
      ['runtime: [1, 2', /is not valid YAML/],
      ['- a\n- b\n', /its top level is not a mapping/],
      ['kind: ConfigMap\n', /has kind "ConfigMap"; expected KatibConfig/],
      ['runtime:\n  suggestions: random\n', /runtime\.suggestions that is not a list/],
    ];
    for (const [text, message] of cases) {
      assert.throws(() => editKatibConfig(text, [add]), (error: unknown) => error instanceof KatibConfigFormatError && message.test(error.message), text);
    }
  });
});
