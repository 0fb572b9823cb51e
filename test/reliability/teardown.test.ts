import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { REPO_ROOT } from '../../shared/repo-root.js';

/**
 * A failing test must not hang the run (it once did for 16 minutes: a random-service test failed between
 * starting its service and stopping it, and the service kept the test file alive). This runs tests that fail
 * that way, and one that never ends, under `npm test`'s own runner flags, and checks from outside that the run
 * ends, names the stuck test, and leaves no process behind.
 */

const PROBE = join(REPO_ROOT, 'dist', 'test', 'reliability', 'support', 'failing-tests-probe.js');

/** Where `npm test` finds the test files (the shell expands it): dist/test/<folder>/<name>.test.js. */
const TEST_FILES = 'dist/test/*/*.test.js';

/** The arguments `npm test` gives `node`, read from package.json, with the probe in place of the test files. */
function npmTestNodeArguments(): string[] {
  const script = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['test']!;
  const command = script.split('&&').map((part) => part.trim()).find((part) => part.startsWith('node --test'));
  assert.ok(command !== undefined, `no "node --test" in the test script: ${script}`);
  const words = command.split(/\s+/).slice(1);
  assert.equal(words.at(-1), TEST_FILES, `the test script runs ${TEST_FILES}: ${script}`);
  return [...words.slice(0, -1), PROBE];
}

/** Every *.test.js under `folder`, relative to the repository. */
function testFilesUnder(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return testFilesUnder(path);
    return entry.name.endsWith('.test.js') ? [relative(REPO_ROOT, path)] : [];
  });
}

test('npm test runs every test file: each one is at dist/test/<folder>/<name>.test.js', () => {
  const files = testFilesUnder(join(REPO_ROOT, 'dist', 'test'));
  assert.ok(files.length > 0);
  assert.deepEqual(files.filter((file) => !/^dist\/test\/[^/]+\/[^/]+\.test\.js$/.test(file)), []);
});

/** Whether `pid` is a running process: a zombie (dead, not yet reaped by whoever adopted it) is not. */
function isAlive(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return false;
  }
  // "pid (command) state ...": the state follows the command's closing parenthesis.
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

test('a failing test leaves no process behind and a stuck one fails by name, under npm test\'s runner flags', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'katib-ts-teardown-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));
  const pidsFile = join(work, 'pids');
  // Without NODE_TEST_CONTEXT, which marks this process as a runner's child, the probe gets a runner of its own.
  const { NODE_TEST_CONTEXT: _, ...environment } = process.env;
  const run = spawn(process.execPath, npmTestNodeArguments(), {
    cwd: REPO_ROOT,
    env: { ...environment, PROBE_PIDS_FILE: pidsFile, KATIB_TS_TEST_TIMEOUT_MS: '3000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  run.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  run.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const ended = await new Promise((resolve) => run.once('close', (code, signal) => resolve({ code, signal })));

  assert.deepEqual(ended, { code: 1, signal: null }, output);
  assert.match(output, /not ok \d+ - fails after starting a service, before stopping it\n[\s\S]*?the fixture file is missing/);
  assert.match(output, /not ok \d+ - fails after starting a process that started one of its own\n[\s\S]*?a bench run went wrong/);
  assert.match(output, /not ok \d+ - never ends\n[\s\S]*?test timed out after 3000ms/);
  const pids = readFileSync(pidsFile, 'utf8').trim().split('\n').map(Number);
  assert.equal(pids.length, 3, `the service, the process and its child: ${pids}`);
  assert.deepEqual(pids.filter(isAlive), [], 'every process the failed tests started is gone');
});
