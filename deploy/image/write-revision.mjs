#!/usr/bin/env node
// Bakes the source revision into a compiled tree, so that a service reports it where no .git exists (an image,
// a copied dist/). `npm run build` writes dist/REVISION from `git rev-parse`; the Dockerfile writes the one
// the Makefile passes as the REVISION build argument. shared/server/build-info.ts reads it; without the file a
// service reports "unknown".
//
//   node deploy/image/write-revision.mjs <file> [revision]
//       writes [revision], else REVISION from the environment, else git's HEAD (12 hex digits, "-dirty" when
//       the work tree has uncommitted changes), else "unknown"

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

const REVISION_TEXT = /^[0-9A-Za-z._+-]{1,64}$/;

function gitRevision() {
  try {
    const head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty === '' ? head : `${head}-dirty`;
  } catch {
    return 'unknown';
  }
}

const [file, given] = process.argv.slice(2);
if (file === undefined) {
  process.stderr.write('usage: write-revision.mjs <file> [revision]\n');
  process.exit(2);
}
const revision = given || process.env.REVISION || gitRevision();
if (!REVISION_TEXT.test(revision)) {
  process.stderr.write(`write-revision: ${JSON.stringify(revision)} is not a revision (expected up to 64 letters, digits, ".", "_", "+" or "-")\n`);
  process.exit(2);
}
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, `${revision}\n`);
