import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
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

/** Katib's wire fixtures live in shared/ beside the repository (KATIB_FIXTURES_DIR overrides). */
export const FIXTURES_DIR = process.env['KATIB_FIXTURES_DIR'] ?? resolve(REPO_ROOT, '..', 'shared', 'fixtures');

/** The compiled entry point of a service. */
export function serviceEntryPoint(service: string): string {
  return join(REPO_ROOT, 'dist', 'services', service, 'main.js');
}
