import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tpeService } from '../../services/tpe/service.js';
import type { GetSuggestionsRequest } from '../../shared/wire/messages.js';
import { REPO_ROOT } from '../../shared/repo-root.js';
import { startSuggestionServer } from '../support/suggestion-server.js';

// docs/debugging.md sends this file with grpcurl: it must stay a request the tpe service answers as described.
test('the request file of docs/debugging.md is answered with two assignments, the same ones every time', async (t) => {
  const request = JSON.parse(readFileSync(join(REPO_ROOT, 'docs', 'requests', 'get-suggestions-tpe.json'), 'utf8')) as GetSuggestionsRequest;
  const server = await startSuggestionServer(tpeService.algorithms);
  t.after(() => server.close());
  await server.client.validate({ experiment: request.experiment });
  const first = await server.client.getSuggestions(request);
  assert.equal(first.parameter_assignments.length, 2);
  for (const assignment of first.parameter_assignments) assert.deepEqual(assignment.assignments.map((a) => a.name), ['lr', 'optimizer']);
  assert.deepEqual(await server.client.getSuggestions(request), first);
});
