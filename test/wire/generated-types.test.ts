import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { it } from 'node:test';
import { REPO_ROOT } from '../../shared/repo-root.js';

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

it('the committed TypeScript message types are what proto-loader generates from proto/api.proto', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'proto-types-'));
  try {
    const script = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts['proto:types'] as string;
    const args = script.split(' ').slice(1).map((arg) => (arg === 'shared/wire/generated' ? scratch : arg));
    execFileSync(join(REPO_ROOT, 'node_modules', '.bin', 'proto-loader-gen-types'), args, { cwd: REPO_ROOT, stdio: 'pipe' });
    const committed = join(REPO_ROOT, 'shared', 'wire', 'generated');
    const expected = filesUnder(scratch).map((file) => relative(scratch, file)).sort();
    assert.deepEqual(filesUnder(committed).map((file) => relative(committed, file)).sort(), expected);
    for (const file of expected) {
      assert.equal(readFileSync(join(committed, file), 'utf8'), readFileSync(join(scratch, file), 'utf8'), `${file} is out of date: run npm run proto:types`);
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
});
