import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { parse } from 'yaml';
import { catalogueRegistrations } from '../../ops/katib-config/registration-entries.js';
import { BACKUP_CONFIG_MAP, MAX_ATTEMPTS } from '../../ops/katib-config/registration.js';
import { CALL_HANG_GUARD_MS } from '../support/hang-guard.js';
import { REPO_ROOT } from '../../shared/repo-root.js';
import { startFakeConfigMapApi, type FakeConfigMapApi } from './fake-config-map-api.js';

// katib-ts register / unregister as an operator runs them, against a stand-in of the Kubernetes API reached
// through a kubeconfig file: a customised Katib configuration keeps everything but our entries, a race is
// retried from a fresh read, and unregister restores what was there.

const CLI = join(REPO_ROOT, 'dist', 'ops', 'cli.js');
const NAMESPACE = 'kubeflow';
const DEPLOYED = readFileSync(join(REPO_ROOT, 'deploy', 'katib-config', 'katib-config.yaml'), 'utf8');

/** A customised Katib v0.19.0 configuration, as an operator's cluster has it. */
const CUSTOMISED = `# Our platform team's Katib settings: do not edit by hand without a ticket.
apiVersion: config.kubeflow.org/v1beta1
kind: KatibConfig
init:
  controller:
    webhookPort: 8443
    trialResources:
      - Job.v1.batch
      - TFJob.v1.kubeflow.org   # needed by the vision team
runtime:
  metricsCollectors:
    - kind: StdOut
      image: "registry.internal/katib/file-metrics-collector:v0.19.0"
  suggestions:
    - algorithmName: random
      image: ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.19.0
    - algorithmName: enas
      image: registry.internal/katib/suggestion-enas:v0.19.0
      resources: {limits: {memory: 300Mi}}
  earlyStoppings:
    - algorithmName: medianstop
      image: ghcr.io/kubeflow/katib/earlystopping-medianstop:v0.19.0
`;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

function katibTs(api: FakeConfigMapApi, ...args: string[]): Promise<Outcome> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [CLI, ...args],
      { env: { ...process.env, KUBECONFIG: api.kubeconfigPath, KUBERNETES_SERVICE_HOST: '' }, timeout: CALL_HANG_GUARD_MS, killSignal: 'SIGKILL' },
      (error, stdout, stderr) => resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

type Config = { runtime: Record<string, Record<string, unknown>[]> };

function liveText(api: FakeConfigMapApi): string {
  return api.configMaps.get(`${NAMESPACE}/katib-config`)!.data!['katib-config.yaml']!;
}

function entry(text: string, section: string, algorithm: string): Record<string, unknown> | undefined {
  return (parse(text) as Config).runtime[section]!.find((candidate) => candidate['algorithmName'] === algorithm);
}

/** Our entry for `algorithm` as deploy/katib-config registers it: the one source of its container spec. */
function deployedEntry(section: string, algorithm: string): Record<string, unknown> {
  return entry(DEPLOYED, section, algorithm)!;
}

const writes = (api: FakeConfigMapApi) => api.requests.filter((request) => !request.startsWith('GET'));

describe('katib-ts register and unregister', () => {
  let api: FakeConfigMapApi;
  before(async () => {
    api = await startFakeConfigMapApi(NAMESPACE);
  });
  after(() => api.close());
  beforeEach(() => {
    api.configMaps.clear();
    api.requests.length = 0;
    api.beforePut = undefined;
    api.put(NAMESPACE, 'katib-config', { 'katib-config.yaml': CUSTOMISED });
  });

  it('registers every catalogue algorithm with the chosen images and keeps everything else; unregister restores the original text', async () => {
    const registered = await katibTs(api, 'register', '--registry', 'registry.example.com/ml', '--tag', 'v9');
    assert.equal(registered.code, 0, registered.stderr);
    const text = liveText(api);
    for (const { section, algorithm } of catalogueRegistrations()) {
      const wanted = deployedEntry(section, algorithm);
      const image = String(wanted['image']).replace(/^.*\/([^/:]+):[^:]+$/, 'registry.example.com/ml/$1:v9');
      assert.deepEqual(entry(text, section, algorithm), { ...wanted, image }, `${algorithm} is registered as deploy/katib-config writes it`);
      assert.match(registered.stdout, new RegExp(`runtime\\.${section} ${algorithm}: (added|replaced) `));
    }
    // Everything that is not ours is left as it was, comments and quoting included.
    assert.ok(text.startsWith(CUSTOMISED.slice(0, CUSTOMISED.indexOf('  suggestions:'))), 'the text before the suggestions is untouched');
    assert.match(text, /^ {4}- algorithmName: enas\n {6}image: registry\.internal\/katib\/suggestion-enas:v0\.19\.0\n {6}resources: \{limits: \{memory: 300Mi\}\}$/m);

    const backup = api.configMaps.get(`${NAMESPACE}/${BACKUP_CONFIG_MAP}`)!;
    assert.equal(backup.data!['katib-config.yaml'], CUSTOMISED, 'the backup keeps the whole text from before');
    const previous = parse(backup.data!['previous-entries.yaml']!) as Record<string, Record<string, unknown>>;
    assert.deepEqual(previous['suggestions']!['random'], { algorithmName: 'random', image: 'ghcr.io/kubeflow/katib/suggestion-hyperopt:v0.19.0' });
    assert.equal(previous['suggestions']!['tpe'], null, 'tpe had no entry before');

    // A second registration (a new tag) keeps the first backup: unregister must go back to the user's entries.
    assert.equal((await katibTs(api, 'register', '--tag', 'v10')).code, 0);
    assert.equal(entry(liveText(api), 'suggestions', 'tpe')!['image'], 'ghcr.io/katib-ts/suggestion-tpe:v10');

    const unregistered = await katibTs(api, 'unregister');
    assert.equal(unregistered.code, 0, unregistered.stderr);
    assert.equal(liveText(api), CUSTOMISED, 'the original text, byte for byte');
    assert.equal(api.configMaps.has(`${NAMESPACE}/${BACKUP_CONFIG_MAP}`), false, 'the backup is gone once everything is restored');
    assert.match(unregistered.stdout, /ConfigMap kubeflow\/katib-config-katib-ts-backup deleted/);
  });

  it('--dry-run prints the change as a diff and writes nothing; --algorithms picks entries', async () => {
    const outcome = await katibTs(api, 'register', '--algorithms', 'tpe,random', '--dry-run');
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.deepEqual(writes(api), []);
    assert.equal(liveText(api), CUSTOMISED);
    assert.match(outcome.stdout, /^--- kubeflow\/katib-config katib-config\.yaml \(resourceVersion \d+\)$/m);
    assert.match(outcome.stdout, /^- {6}image: ghcr\.io\/kubeflow\/katib\/suggestion-hyperopt:v0\.19\.0$/m);
    assert.match(outcome.stdout, /^\+ {6}image: ghcr\.io\/katib-ts\/suggestion-random:v\d+\.\d+\.\d+$/m);
    assert.match(outcome.stdout, /^\+ {4}- algorithmName: tpe$/m);
    assert.doesNotMatch(outcome.stdout, /algorithmName: grid|medianstop: (added|replaced)/);
    assert.match(outcome.stdout, /^dry run: nothing written/m);
  });

  it('a write that loses a race (409) is retried from a fresh read: the other writer\'s change survives', async () => {
    let raced = false;
    api.beforePut = (name) => {
      if (name !== 'katib-config' || raced) return;
      raced = true;
      api.put(NAMESPACE, 'katib-config', { 'katib-config.yaml': CUSTOMISED.replace('suggestion-enas:v0.19.0', 'suggestion-enas:v0.19.1') });
    };
    const outcome = await katibTs(api, 'register', '--algorithms', 'random');
    assert.equal(outcome.code, 0, outcome.stderr);
    assert.equal(writes(api).filter((request) => request.endsWith('/configmaps/katib-config')).length, 2, 'one 409, one successful retry');
    const text = liveText(api);
    assert.equal(entry(text, 'suggestions', 'enas')!['image'], 'registry.internal/katib/suggestion-enas:v0.19.1', 'the concurrent change is kept');
    assert.equal(entry(text, 'suggestions', 'random')!['image'], deployedEntry('suggestions', 'random')['image']);
  });

  it(`stops after ${MAX_ATTEMPTS} lost races and says so, having overwritten nothing`, async () => {
    let round = 0;
    api.beforePut = (name) => {
      if (name === 'katib-config') api.put(NAMESPACE, 'katib-config', { 'katib-config.yaml': `${CUSTOMISED}# edit ${++round}\n` });
    };
    const outcome = await katibTs(api, 'register');
    assert.equal(outcome.code, 1);
    assert.match(outcome.stderr, new RegExp(`^katib-ts register: register: ConfigMap kubeflow/katib-config changed since it was read on each of ${MAX_ATTEMPTS} attempts`));
    assert.equal(liveText(api), `${CUSTOMISED}# edit ${MAX_ATTEMPTS}\n`, 'the other writer\'s last change stands');
  });

  it('a missing ConfigMap is a clear error', async () => {
    api.configMaps.clear();
    const outcome = await katibTs(api, 'register', '--namespace', 'katib');
    assert.equal(outcome.code, 1);
    assert.match(outcome.stderr, /^katib-ts register: ConfigMap katib\/katib-config does not exist at http:\/\/127\.0\.0\.1:\d+: is Katib installed in namespace katib\? \(--namespace picks another\)\n$/);
    assert.deepEqual(writes(api), []);
  });

  it('a ConfigMap in the format before KatibConfig is a clear error, and is left alone', async () => {
    const legacy = {
      suggestion: JSON.stringify({ random: { image: 'docker.io/kubeflowkatib/suggestion-hyperopt:v0.15.0' } }),
      'early-stopping': JSON.stringify({ medianstop: { image: 'docker.io/kubeflowkatib/earlystopping-medianstop:v0.15.0' } }),
      'metrics-collector-sidecar': JSON.stringify({ StdOut: { image: 'docker.io/kubeflowkatib/file-metrics-collector:v0.15.0' } }),
    };
    api.put(NAMESPACE, 'katib-config', legacy);
    const outcome = await katibTs(api, 'register');
    assert.equal(outcome.code, 1);
    assert.match(outcome.stderr, /is in the format of Katib v0\.15 and older \(JSON under the keys suggestion, early-stopping, metrics-collector-sidecar\), not a KatibConfig under katib-config\.yaml; katib-ts registers into Katib v0\.16 and later/);
    assert.deepEqual(writes(api), []);
  });

  it('registers into a configuration installed by the kustomize overlay, whose entries share anchors', async () => {
    api.put(NAMESPACE, 'katib-config', { 'katib-config.yaml': DEPLOYED });
    const outcome = await katibTs(api, 'register', '--algorithms', 'random', '--tag', 'v2');
    assert.equal(outcome.code, 0, outcome.stderr);
    const text = liveText(api);
    assert.equal(entry(text, 'suggestions', 'random')!['image'], 'ghcr.io/katib-ts/suggestion-random:v2');
    // grid's env, ports, ... were aliases of anchors in random's entry: they must still hold the same values.
    assert.deepEqual(entry(text, 'suggestions', 'grid'), deployedEntry('suggestions', 'grid'));
    assert.equal((await katibTs(api, 'unregister')).code, 0);
    assert.deepEqual(parse(liveText(api)), parse(DEPLOYED));
  });

  it('unregister without a registration says there is nothing to restore', async () => {
    const outcome = await katibTs(api, 'unregister');
    assert.equal(outcome.code, 1);
    assert.match(outcome.stderr, /there is no ConfigMap kubeflow\/katib-config-katib-ts-backup: katib-ts has not registered anything in namespace kubeflow/);
  });
});
