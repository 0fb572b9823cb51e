import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: the nearest folder above this file with a package.json (works from source and from dist/). */
export const REPO_ROOT = (() => {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error('package.json not found above test/support');
    folder = parent;
  }
  return folder;
})();

/** Katib's wire fixtures: requests encoded by Katib's own Go code (`npm run fixtures:katib` writes them). */
export const FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures', 'katib');

/** The compiled entry point of a service. */
export function serviceEntryPoint(service: string): string {
  return join(REPO_ROOT, 'dist', 'services', service, 'main.js');
}
