import { fileURLToPath } from 'node:url';
import path from 'node:path';

/**
 * The repository's root directory, found from this module both in the source tree (bench/) and when compiled
 * (dist/bench/): data files such as bench/problems/problems.json are read from the source tree so that the
 * Python baselines and the CLI read the very same file.
 */
export const REPO_ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/bench/') ? '../../' : '../', import.meta.url));

/** An absolute path for a path given relative to the repository's root. */
export function repoPath(...segments: string[]): string {
  return path.join(REPO_ROOT, ...segments);
}
