import { readFileSync } from 'node:fs';

/** What a running program says it is: the package version and the source revision it was built from. */
export interface BuildInfo {
  version: string;
  revision: string;
}

/**
 * Read from the compiled tree, which is laid out alike in a checkout and in an image: <root>/package.json and
 * <root>/dist/REVISION, this module being <root>/dist/shared/server/build-info.js. The revision is baked in at
 * build time (deploy/image/write-revision.mjs) because an image has no .git; "unknown" when it was not.
 */
export function readBuildInfo(): BuildInfo {
  return {
    version: readOr(new URL('../../../package.json', import.meta.url), (text) => String((JSON.parse(text) as { version?: unknown }).version ?? 'unknown')),
    revision: readOr(new URL('../../REVISION', import.meta.url), (text) => text.trim() || 'unknown'),
  };
}

function readOr(file: URL, parse: (text: string) => string): string {
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
