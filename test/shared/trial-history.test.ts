import assert from 'node:assert/strict';
import { it } from 'node:test';
import { parseHistory } from '../../shared/history/trial-history.js';
import { parseSearchSpace } from '../../shared/space/parse-search-space.js';
import type { Trial__Output } from '../../shared/wire/generated/api/v1/beta1/Trial.js';

const space = parseSearchSpace([
  { name: 'n', parameter_type: 'INT', feasible_space: { min: '1', max: '9', step: '', list: [], distribution: 'DISTRIBUTION_UNSPECIFIED' } },
]);

function trial(name: string, condition: string, value?: string): Trial__Output {
  return {
    name,
    spec: { objective: null, labels: {}, parameter_assignments: { assignments: [{ name: 'n', value: name.slice(1) }] } },
    status: {
      start_time: '',
      completion_time: '',
      condition: condition as 'RUNNING',
      observation: value === undefined ? null : { metrics: [{ name: 'other', value: '0' }, { name: 'acc', value }] },
    },
  };
}

it('sorts trials into completed, pending and failed, turning the objective into a loss', () => {
  const history = parseHistory(
    [
      trial('t1', 'SUCCEEDED', '0.9'),
      trial('t2', 'EARLYSTOPPED', '0.5'),
      trial('t3', 'RUNNING'),
      trial('t4', 'CREATED'),
      trial('t5', 'SUCCEEDED'),
      trial('t6', 'FAILED'),
      trial('t7', 'KILLED', '0.3'),
      trial('t8', 'SUCCEEDED', 'inf'),
      trial('t9', 'EARLYSTOPPED'),
    ],
    space,
    { metricName: 'acc', direction: 'maximize' },
  );
  // t8 diverged: its stand-in loss is the worst finite loss plus a tenth of the finite range (-0.5 + 0.04).
  assert.deepEqual(history.completed.map((t) => [t.name, t.loss, t.diverged]), [['t1', -0.9, false], ['t2', -0.5, false], ['t8', -0.5 + 0.1 * (-0.5 - -0.9), true]]);
  assert.deepEqual(history.pending.map((t) => t.name), ['t3', 't4', 't5']);
  assert.deepEqual(history.failed.map((t) => t.name), ['t6', 't7', 't9']);
  assert.equal(history.usedKeys.size, 9);
  assert.equal(history.warnings.length, 1);
  assert.match(history.warnings[0]!, /1 trial\(s\) reported an infinite or NaN objective \(\["t8"\]\)/);
});

it('counts inf, -inf and nan in any spelling as diverged runs, worse than every finite loss, and anything else unparsable as failed', () => {
  const values = ['1', '3', 'inf', '-Infinity', 'NaN', '+Inf', '1e999', '', 'unavailable'];
  const history = parseHistory(
    values.map((value, i) => ({ ...trial(`t${i + 1}`, 'SUCCEEDED', value) })),
    space,
    { metricName: 'acc', direction: 'minimize' },
  );
  assert.deepEqual(history.completed.map((t) => [t.name, t.loss]), [['t1', 1], ['t2', 3], ['t3', 3.2], ['t4', 3.2], ['t5', 3.2], ['t6', 3.2], ['t7', 3.2]]);
  assert.deepEqual(history.failed.map((t) => t.name), ['t8', 't9']);
});

it('gives diverged runs equal stand-in losses when no trial has a finite one', () => {
  const history = parseHistory([trial('t1', 'SUCCEEDED', 'inf'), trial('t2', 'EARLYSTOPPED', 'nan')], space, { metricName: 'acc', direction: 'maximize' });
  assert.deepEqual(history.completed.map((t) => t.loss), [0.1, 0.1]);
});
