import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';
import { SuggestionClient } from '../support/clients.js';
import { assignmentOf, assignmentsOf, categoricalParameter, experiment, intParameter, suggestionsRequest, trial } from '../support/requests.js';
import { startServiceProcess } from '../../bench/targets/service-process.js';

test('a second grid process continues where the first stopped, given the same trials', async () => {
  const spec = experiment({
    name: 'grid-restart',
    algorithm: 'grid',
    parameters: [intParameter('a', '1', '3'), categoricalParameter('b', ['w', 'x', 'y', 'z'])],
    maxTrialCount: 12,
  });
  const trials: Trial[] = [];
  const record = (assignments: Record<string, string>[]) =>
    assignments.forEach((assignment, index) =>
      trials.push(trial(`grid-restart-${trials.length}`, assignment, index === 0 ? 'RUNNING' : 'SUCCEEDED', index === 0 ? undefined : '1')),
    );

  const first = await startServiceProcess('grid');
  const firstClient = new SuggestionClient(first.address);
  let lastRequest;
  try {
    await firstClient.validate({ experiment: spec });
    record(assignmentsOf(await firstClient.getSuggestions(suggestionsRequest(spec, trials, 3))));
    lastRequest = suggestionsRequest(spec, [...trials], 3);
    record(assignmentsOf(await firstClient.getSuggestions(lastRequest)));
  } finally {
    firstClient.close();
    assert.equal(await first.stop('SIGTERM'), 0);
  }

  const second = await startServiceProcess('grid');
  const secondClient = new SuggestionClient(second.address);
  try {
    // The retried last call of the first process gets the same answer from the second.
    assert.deepEqual(assignmentsOf(await secondClient.getSuggestions(lastRequest)), trials.slice(3).map(assignmentOf));
    const next = assignmentsOf(await secondClient.getSuggestions(suggestionsRequest(spec, trials, 3)));
    assert.deepEqual(
      [...trials.map(assignmentOf), ...next],
      [1, 2, 3].flatMap((a) => ['w', 'x', 'y', 'z'].map((b) => ({ a: String(a), b }))).slice(0, 9),
    );
  } finally {
    secondClient.close();
    assert.equal(await second.stop('SIGTERM'), 0);
  }
});

