import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CATALOGUE } from '../../services/catalogue.js';
import { SuggestionClient } from '../support/clients.js';
import { REPO_ROOT } from '../../shared/repo-root.js';

// npm run start:all as a person runs it: every catalogue service on its own ports, one line each, all stopped
// by one signal; a taken port is one line naming the variable start:all reads.

const START_ALL = join(REPO_ROOT, 'dist', 'ops', 'start-all.js');
const COUNT = CATALOGUE.length;

/**
 * The first of COUNT consecutive ports free on 127.0.0.1 right now (held briefly to check, then released), from
 * 20000-31999: below Linux's ephemeral range (32768 up), where outgoing connections could take one meanwhile.
 */
async function freeRange(avoid?: number): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const first = 20_000 + Math.floor(Math.random() * 12_000);
    if (avoid !== undefined && Math.abs(first - avoid) < COUNT) continue;
    const held: Server[] = [];
    try {
      for (let port = first; port < first + COUNT; port++) {
        const server = createServer();
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(port, '127.0.0.1', resolve);
        });
        held.push(server);
      }
      return first;
    } catch {
      // part of the range is taken: try another
    } finally {
      await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
    }
  }
  throw new Error(`no ${COUNT} consecutive free ports found`);
}

function startAll(env: Record<string, string>) {
  const child = spawn(process.execPath, [START_ALL], { env: { ...process.env, LOG_LEVEL: 'info', WORKER_THREADS: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const allUp = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      lines.push(line);
      if (line.startsWith(`all ${COUNT} services are listening`)) resolve();
    });
    void exited.then((code) => reject(new Error(`start:all exited with ${code}: ${stderr}`)));
  });
  allUp.catch(() => undefined); // awaited only by the test that expects the services to come up
  return { child, lines, exited, allUp, stderr: () => stderr };
}

describe('npm run start:all', () => {
  it('starts every catalogue service on consecutive ports with one line each, and stops them all on SIGTERM', async (t) => {
    const grpcBase = await freeRange();
    const metricsBase = await freeRange(grpcBase);
    const run = startAll({ START_ALL_PORT: String(grpcBase), START_ALL_METRICS_PORT: String(metricsBase) });
    t.after(() => run.child.kill('SIGKILL'));
    await run.allUp;
    const summary = run.lines.filter((line) => / gRPC 127\.0\.0\.1:\d+ /.test(line));
    assert.deepEqual(
      summary.map((line) => line.split(' ')[0]),
      CATALOGUE.map((entry) => entry.service),
      'one line per service, in catalogue order',
    );
    for (const [index, entry] of CATALOGUE.entries()) {
      assert.match(summary[index]!, new RegExp(`gRPC 127\\.0\\.0\\.1:${grpcBase + index}  metrics http://127\\.0\\.0\\.1:${metricsBase + index}/metrics  ${entry.kind} `));
      const client = new SuggestionClient(`127.0.0.1:${grpcBase + index}`);
      try {
        assert.equal(await client.healthCheck(''), 'SERVING');
      } finally {
        client.close();
      }
      const metrics = await (await fetch(`http://127.0.0.1:${metricsBase + index}/metrics`)).text();
      assert.match(metrics, new RegExp(`^katib_service_info\\{service="${entry.service}",`, 'm'));
    }
    run.child.kill('SIGTERM');
    assert.equal(await run.exited, 0);
    for (const entry of CATALOGUE) assert.ok(run.lines.some((line) => line.startsWith(entry.service) && / info  stopped$/.test(line)), `${entry.service} drained`);
  });

  it('a taken port is one line naming START_ALL_PORT, and the services already started are stopped', async (t) => {
    const grpcBase = await freeRange();
    const metricsBase = await freeRange(grpcBase);
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(grpcBase + 1, '127.0.0.1', resolve));
    t.after(() => blocker.close());
    const run = startAll({ START_ALL_PORT: String(grpcBase), START_ALL_METRICS_PORT: String(metricsBase) });
    t.after(() => run.child.kill('SIGKILL'));
    assert.equal(await run.exited, 1);
    assert.equal(
      run.stderr(),
      `start:all: ${CATALOGUE[1]!.service}: the gRPC port 127.0.0.1:${grpcBase + 1} is already in use; set START_ALL_PORT to the first of ${COUNT} free consecutive ports\n`,
    );
  });
});
