import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The nearest folder above this module that holds a package.json: the repository's root, from the source tree
 * and from dist/ alike; in an image, the app folder (its package.json is the reduced one the image carries).
 * The one way the services (proto/), the benchmark (its data files) and the tests find their files.
 */
export const REPO_ROOT = (() => {
  let folder = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(folder, 'package.json'))) {
    const parent = dirname(folder);
    if (parent === folder) throw new Error(`no package.json above ${fileURLToPath(import.meta.url)}`);
    folder = parent;
  }
  return folder;
})();

/** An absolute path for a path given relative to the repository's root. */
export function repoPath(...segments: string[]): string {
  return join(REPO_ROOT, ...segments);
}
