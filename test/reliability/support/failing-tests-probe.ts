import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { test } from 'node:test';
import { startServiceProcess } from '../../../bench/targets/service-process.js';

/**
 * Tests that fail in the ways that used to hang the run, for teardown.test.ts to run in a test runner of its own
 * (with npm test's flags) and judge from outside. npm test itself never loads this file (it is no *.test.js);
 * the tests exist only when PROBE_PIDS_FILE names the file to write the pids they leave behind to.
 */

const pidsFile = process.env['PROBE_PIDS_FILE'];

if (pidsFile !== undefined) {
  const record = (pid: number | undefined) => appendFileSync(pidsFile, `${pid}\n`);
  // Starting a service takes a while on a busy machine: these two must fail by their own error, not by timeout.
  const slowStart = { timeout: 5 * 60_000 };

  test('fails after starting a service, before stopping it', slowStart, async () => {
    const service = await startServiceProcess('random');
    record(service.child.pid);
    throw new Error('the fixture file is missing');
  });

  test('fails after starting a process that started one of its own', slowStart, async () => {
    const child = spawn('sh', ['-c', 'sleep 600 & echo $!; wait'], { stdio: ['ignore', 'pipe', 'ignore'] });
    record(child.pid);
    const grandchild = await new Promise<number>((resolve) => child.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim()))));
    record(grandchild);
    throw new Error('a bench run went wrong');
  });

  test('never ends', async () => {
    // A handle that keeps the process busy, as a call to a service that never answers would.
    setInterval(() => undefined, 1_000);
    await new Promise(() => undefined);
  });
}
