import assert from 'node:assert/strict';
import { test } from 'node:test';
import { earlyValue } from '../../services/medianstop/rule/early-value.js';
import { inReportOrder } from '../../services/medianstop/rule/metric-log.js';

const average = (values: string[], startStep: number) => earlyValue(values, startStep, 'average', 'minimize');

test('the average covers the first start_step values only', () => {
  assert.deepEqual(average(['1', '2', '3', '100'], 3), { value: 2, skipped: [] });
});

test('a log shorter than start_step is averaged over what it has; an empty one has no average', () => {
  assert.deepEqual(average(['0.5', '0.25'], 4), { value: 0.375, skipped: [] });
  assert.deepEqual(average([], 4), { value: undefined, skipped: [] });
});

test('values that are not finite numbers are skipped and the next values take their steps', () => {
  assert.deepEqual(average(['1', 'nan', '3', 'inf', '', '5', '1e999', '7'], 3), { value: 3, skipped: ['nan', 'inf', ''] });
  assert.deepEqual(average(['NaN', 'abc'], 2), { value: undefined, skipped: ['NaN', 'abc'] });
});

test('huge values do not overflow the average', () => {
  assert.equal(average(['1e308', '1e308'], 2).value, 1e308);
});

test('the best early value is the lowest of the first start_step finite values when minimising, the highest when maximising', () => {
  assert.deepEqual(earlyValue(['3', '1', 'nan', '2', '0.5'], 3, 'best', 'minimize'), { value: 1, skipped: ['nan'] });
  assert.deepEqual(earlyValue(['0.3', '0.9', '0.6', '1'], 3, 'best', 'maximize'), { value: 0.9, skipped: [] });
  assert.deepEqual(earlyValue(['inf', 'x'], 3, 'best', 'minimize'), { value: undefined, skipped: ['inf', 'x'] });
});

test('log entries are ordered by time stamp, fractions and zones included, before the first values are taken', () => {
  const ordered = inReportOrder([
    { timeStamp: '2026-11-20T10:00:02Z', value: 'c' },
    { timeStamp: '2026-11-20T10:00:01.5Z', value: 'b2' },
    { timeStamp: '2026-11-20T10:00:01.000000100Z', value: 'b1' },
    { timeStamp: '2026-11-20T11:00:00+02:00', value: 'a' },
    { timeStamp: 'yesterday', value: 'z' },
    { timeStamp: '2026-11-20 10:00:03', value: 'd' },
  ]);
  assert.deepEqual(ordered, { values: ['a', 'b1', 'b2', 'c', 'd', 'z'], unreadableTimeStamps: ['yesterday'] });
});

test('entries with equal time stamps keep the order they came in', () => {
  const ordered = inReportOrder([
    { timeStamp: '2026-11-20T10:00:00Z', value: 'first' },
    { timeStamp: '2026-11-20T10:00:00Z', value: 'second' },
  ]);
  assert.deepEqual(ordered.values, ['first', 'second']);
});
