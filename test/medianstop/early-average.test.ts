import assert from 'node:assert/strict';
import { test } from 'node:test';
import { earlyAverage } from '../../services/medianstop/rule/early-average.js';
import { inReportOrder } from '../../services/medianstop/rule/metric-log.js';

test('the average covers the first start_step values only', () => {
  assert.deepEqual(earlyAverage(['1', '2', '3', '100'], 3), { average: 2, skipped: [] });
});

test('a log shorter than start_step is averaged over what it has; an empty one has no average', () => {
  assert.deepEqual(earlyAverage(['0.5', '0.25'], 4), { average: 0.375, skipped: [] });
  assert.deepEqual(earlyAverage([], 4), { average: undefined, skipped: [] });
});

test('values that are not finite numbers are skipped and the next values take their steps', () => {
  assert.deepEqual(earlyAverage(['1', 'nan', '3', 'inf', '', '5', '1e999', '7'], 3), { average: 3, skipped: ['nan', 'inf', ''] });
  assert.deepEqual(earlyAverage(['NaN', 'abc'], 2), { average: undefined, skipped: ['NaN', 'abc'] });
});

test('huge values do not overflow the average', () => {
  assert.equal(earlyAverage(['1e308', '1e308'], 2).average, 1e308);
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
