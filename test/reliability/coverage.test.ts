import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';
import { REPO_ROOT } from '../../shared/repo-root.js';
import { EARLY_STOPPING_SERVICES, SUGGESTION_SERVICES } from './support/suggestion-services.js';
import { wireTargets } from './support/wire-targets.js';

/** A service that lands in services/ without reliability coverage fails here, not silently. */
it('covers every service with a main.ts', () => {
  const services = readdirSync(join(REPO_ROOT, 'services')).filter((name) => existsSync(join(REPO_ROOT, 'services', name, 'main.ts')));
  const covered = [...SUGGESTION_SERVICES.map((service) => service.service), ...EARLY_STOPPING_SERVICES];
  assert.deepEqual([...services].sort(), [...covered].sort());
  assert.deepEqual(wireTargets().map((target) => target.service).sort(), [...covered].sort());
});
