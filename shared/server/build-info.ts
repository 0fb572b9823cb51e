import { readFileSync } from 'node:fs';
import { repoPath } from '../repo-root.js';

/** What a running program says it is: the package version and the source revision it was built from. */
export interface BuildInfo {
  version: string;
  revision: string;
}

/**
 * Read from <root>/package.json and <root>/dist/REVISION, laid out alike in a checkout and in an image (root /app).
 * The revision is baked in at build time (deploy/image/write-revision.mjs) because an image has no .git;
 * "unknown" when it was not.
 */
export function readBuildInfo(): BuildInfo {
  return {
    version: readOr(repoPath('package.json'), (text) => String((JSON.parse(text) as { version?: unknown }).version ?? 'unknown')),
    revision: readOr(repoPath('dist', 'REVISION'), (text) => text.trim() || 'unknown'),
  };
}

function readOr(file: string, parse: (text: string) => string): string {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch {
    return 'unknown';
  }
}

/** "0.1.0 (revision 1a2b3c4d5e6f)", as --version prints it. */
export function describeBuild(info: BuildInfo): string {
  return `${info.version} (revision ${info.revision})`;
}
