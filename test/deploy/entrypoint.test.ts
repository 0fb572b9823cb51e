import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startListeningProcess } from '../../shared/process/listening-process.js';
import { assembleImageApp, builtServices, imageStart, makeImageTable } from './support/image-contents.js';
import { DEPLOY_DIR, readDocuments, readKustomization } from './support/manifests.js';
import {
  ALGORITHMS_OF,
  EARLY_STOPPING_SERVICES,
  experimentFromManifest,
  getEarlyStoppingRules,
  getSuggestions,
  healthNamesOf,
  healthStatus,
  smokeEarlyStoppingRequest,
  smokeSuggestionsRequest,
  startFakeDbManager,
  terminate,
  TEST_GRACE_SECONDS,
  validateAlgorithmSettings,
  validateEarlyStoppingSettings,
  type FakeDbManager,
} from './support/service-smoke.js';

// Issue 8's run check without a container engine: /app as the Dockerfile assembles it (closure of compiled
// files, pruned production install), started with the image's own ENTRYPOINT and ENV. test/images does the
// same inside real images.

const services = builtServices();
const table = makeImageTable();
const examples = (readKustomization(join(DEPLOY_DIR, 'examples')).resources as string[]).map((path) => ({
  path,
  experiment: experimentFromManifest(readDocuments(join(DEPLOY_DIR, 'examples', path))[0]!),
}));

describe('what each image would run', () => {
  test('every service with an entry point has a compiled one and an image in the Makefile', () => {
    assert.ok(services.length > 0, 'no compiled service found: run the TypeScript build first');
    for (const service of services) assert.ok(table.has(service), `make list-images has no image for ${service}`);
  });

  for (const service of services) {
    describe(service, () => {
      let root = '';
      let app = '';
      let dbManager: FakeDbManager | undefined;
      before(async () => {
        ({ root, app } = assembleImageApp(service));
        if (EARLY_STOPPING_SERVICES.has(service)) dbManager = await startFakeDbManager();
      });
      after(async () => {
        await dbManager?.close();
        if (root !== '') rmSync(root, { recursive: true, force: true });
      });

      test('the image carries only the packages its code imports', () => {
        const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { type: string; dependencies: Record<string, string> };
        assert.equal(manifest.type, 'module', 'without "type": "module" node would read dist/ as CommonJS');
        for (const name of Object.keys(manifest.dependencies)) {
          assert.ok(existsSync(join(app, 'node_modules', name, 'package.json')), `${name} is listed but not installed`);
        }
        const usesKubernetes = '@kubernetes/client-node' in manifest.dependencies;
        assert.equal(existsSync(join(app, 'node_modules', '@kubernetes', 'client-node')), usesKubernetes);
      });

      test('the entrypoint serves, answers one real call and exits 0 on SIGTERM within the drain deadline', async () => {
        const facts = table.get(service)!;
        const start = imageStart({ SERVICE: service, PORT: String(facts.port), METRICS_PORT: String(facts.metricsPort) });
        assert.equal(start.argv[0], 'node', 'the entrypoint runs node directly, so SIGTERM reaches it');
        assert.equal(start.env['PORT'], String(facts.port));
        assert.equal(start.env['METRICS_PORT'], String(facts.metricsPort));
        // /app/... in the image is `app` here; ports 0 let the process pick free ones, as tests elsewhere do.
        const argv = start.argv.map((word) => word.replace(/^\/app\//, app + '/'));
        const env = {
          PATH: process.env['PATH'] ?? '',
          ...start.env,
          PORT: '0',
          METRICS_PORT: '0',
          BIND_ADDRESS: '127.0.0.1',
          SHUTDOWN_GRACE_SECONDS: String(TEST_GRACE_SECONDS),
          // medianstop reads its namespace from here outside Kubernetes.
          NAMESPACE: 'katib-ts-test',
        };
        const started = startListeningProcess(argv[0] === 'node' ? process.execPath : argv[0]!, argv.slice(1), { cwd: start.workdir.replace(/^\/app$/, app), env }, { listenTimeoutMs: 120_000 });
        try {
          const listening = await started.listening;
          const address = `127.0.0.1:${listening['port'] as number}`;
          for (const name of healthNamesOf(service)) {
            assert.equal(await healthStatus(address, name), 'SERVING', `health of ${JSON.stringify(name)}`);
          }
          if (EARLY_STOPPING_SERVICES.has(service)) {
            const reply = await getEarlyStoppingRules(address, smokeEarlyStoppingRequest(dbManager!.address));
            assert.equal(reply.early_stopping_rules.length, 1);
            assert.equal(dbManager!.requests.length, 3, 'one observation log read per succeeded trial');
            // deploy/examples' early-stopping settings are accepted as Katib would send them.
            for (const { path, experiment } of examples.filter((example) => example.experiment.spec?.early_stopping?.algorithm_name === service)) {
              await validateEarlyStoppingSettings(address, experiment).catch((error: Error) => assert.fail(`${path}: ${error.message}`));
            }
          } else {
            for (const algorithm of ALGORITHMS_OF[service] ?? [service]) {
              const reply = await getSuggestions(address, smokeSuggestionsRequest(algorithm, 2));
              assert.equal(reply.parameter_assignments.length, 2, `${algorithm}: exactly the requested number of assignments`);
            }
            // deploy/examples for this service validate, and their first request is answered in full.
            for (const { path, experiment } of examples.filter((example) => (ALGORITHMS_OF[service] ?? []).includes(example.experiment.spec!.algorithm!.algorithm_name!))) {
              await validateAlgorithmSettings(address, experiment).catch((error: Error) => assert.fail(`${path}: ${error.message}`));
              const count = experiment.spec!.parallel_trial_count!;
              const reply = await getSuggestions(address, { experiment, trials: [], current_request_number: count, total_request_number: count });
              assert.equal(reply.parameter_assignments.length, count, path);
            }
          }
          const ended = await terminate(started.child.pid!, started.exited);
          assert.deepEqual(ended, { code: 0, signal: null }, started.output());
          assert.ok(started.logs.some((entry) => entry['msg'] === 'stopped' || entry['msg'] === 'draining'), 'the drain is logged');
        } finally {
          started.child.kill('SIGKILL');
        }
      });
    });
  }
});
