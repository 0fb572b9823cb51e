import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CATALOGUE } from '../../services/catalogue.js';
import { CALL_HANG_GUARD_MS } from '../support/hang-guard.js';
import { REPO_ROOT } from '../../shared/repo-root.js';
import { serviceEntryPoint, startServiceProcess } from '../../bench/targets/service-process.js';

// Start-up as an operator meets it, through real processes of every service: --version and --help answer and
// exit without serving, and a port that cannot be bound is one line naming the variable to change.

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a service's entry point to its end; the timeout only turns a process that never exits into a failure. */
function runToEnd(service: string, args: string[], env: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [serviceEntryPoint(service), ...args],
      { env: { ...process.env, BIND_ADDRESS: '127.0.0.1', PORT: '0', METRICS_PORT: '0', ...env }, timeout: CALL_HANG_GUARD_MS, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr }),
    );
  });
}

const revision = readFileSync(join(REPO_ROOT, 'dist', 'REVISION'), 'utf8').trim();
const version = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** A port held open by this test, as another program would hold it. */
async function occupiedPort(): Promise<{ port: number; server: Server }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, server };
}

describe('service start-up', () => {
  const held: Server[] = [];
  after(() => {
    for (const server of held) server.close();
  });

  for (const { service } of CATALOGUE) {
    describe(service, () => {
      it('--version prints the name, the package version and the build revision, and exits 0 without serving', async () => {
        const outcome = await runToEnd(service, ['--version']);
        assert.equal(outcome.code, 0, outcome.stderr);
        assert.equal(outcome.stdout, `${service} ${version} (revision ${revision})\n`);
      });

      it('--help lists the environment variables and exits 0', async () => {
        const outcome = await runToEnd(service, ['--help']);
        assert.equal(outcome.code, 0, outcome.stderr);
        for (const variable of ['PORT', 'METRICS_PORT', 'BIND_ADDRESS', 'LOG_LEVEL', 'WORKER_THREADS']) {
          assert.match(outcome.stdout, new RegExp(`^  ${variable} `, 'm'));
        }
        assert.match(outcome.stdout, new RegExp(`default: ${CATALOGUE.find((entry) => entry.service === service)!.port}\\)`));
      });

      it('refuses any other argument in one line on stderr, exit code 2', async () => {
        const outcome = await runToEnd(service, ['--port=7000']);
        assert.equal(outcome.code, 2);
        assert.equal(outcome.stdout, '');
        assert.equal(outcome.stderr, `${service}: unexpected argument "--port=7000"; a service takes only --help or --version and reads its settings from the environment\n`);
      });

      for (const variable of ['PORT', 'METRICS_PORT']) {
        it(`a taken ${variable} is one line on stderr naming ${variable}, exit code 2`, async () => {
          const { port, server } = await occupiedPort();
          held.push(server);
          const outcome = await runToEnd(service, [], { [variable]: String(port), WORKER_THREADS: '1' });
          const listener = variable === 'PORT' ? 'gRPC' : 'metrics';
          assert.equal(outcome.code, 2, `stdout: ${outcome.stdout}\nstderr: ${outcome.stderr}`);
          assert.equal(outcome.stderr, `${service}: the ${listener} port 127.0.0.1:${port} is already in use; set ${variable} to a free port (0 picks one)\n`);
          assert.doesNotMatch(outcome.stdout, /EADDRINUSE|No address added/);
        });
      }
    });
  }

  it('the listening line and katib_service_info carry the version and revision; worker gauges count the pool', async (t) => {
    const service = await startServiceProcess('random', { env: { WORKER_THREADS: '2' } });
    t.after(() => service.stop());
    const listening = service.logs.find((line) => line['msg'] === 'listening')!;
    assert.equal(listening['version'], version);
    assert.equal(listening['revision'], revision);
    const metrics = await (await fetch(`http://127.0.0.1:${service.metricsPort}/metrics`)).text();
    assert.match(metrics, new RegExp(`^katib_service_info\\{service="random",version="${version}",revision="${revision}"\\} 1$`, 'm'));
    assert.match(metrics, /^katib_service_workers 2$/m);
    assert.match(metrics, /^katib_service_workers_busy 0$/m);
    assert.match(metrics, /^katib_service_worker_queue_length 0$/m);
  });
});
