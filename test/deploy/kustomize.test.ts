import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from '../../shared/repo-root.js';
import { DEPLOY_DIR, KATIB_CONFIG_DIR, KATIB_CONFIG_FILE, kustomizationDirs, OUR_EARLY_STOPPINGS, OUR_SUGGESTIONS, parseDocuments, readDocuments, type Doc } from './support/manifests.js';

// Renders every kustomization with the real kustomize, as `kubectl apply -k` would: a standalone kustomize
// (KUSTOMIZE, PATH, or Go's bin folder; install: GOTOOLCHAIN=local go install
// sigs.k8s.io/kustomize/kustomize/v5@v5.8.0, about 90 s, once), else the one kubectl embeds (`kubectl kustomize`).
// With neither these tests skip and say so; with REQUIRE_KUSTOMIZE=1 (CI sets it) they fail instead. Only
// `kustomize edit` needs the standalone binary: kubectl has no such command.

const INSTALL = 'GOTOOLCHAIN=local go install sigs.k8s.io/kustomize/kustomize/v5@v5.8.0';

function onPath(name: string): string | undefined {
  return (process.env['PATH'] ?? '').split(':').map((dir) => join(dir, name)).find((candidate) => existsSync(candidate));
}

function findKustomize(): string | undefined {
  const candidates = [process.env['KUSTOMIZE'], onPath('kustomize')];
  try {
    candidates.push(join(execFileSync('go', ['env', 'GOPATH'], { encoding: 'utf8' }).trim(), 'bin', 'kustomize'));
  } catch {
    candidates.push(join(homedir(), 'go', 'bin', 'kustomize'));
  }
  return candidates.find((candidate): candidate is string => candidate !== undefined && candidate !== '' && existsSync(candidate));
}

const kustomize = findKustomize();
const kubectl = kustomize === undefined ? onPath('kubectl') : undefined;
/** The command and arguments that render a kustomization: `kustomize build DIR` or `kubectl kustomize DIR`. */
const render: ((dir: string) => [string, string[]]) | undefined =
  kustomize !== undefined ? (dir) => [kustomize, ['build', dir]] : kubectl !== undefined ? (dir) => [kubectl, ['kustomize', dir]] : undefined;
const required = process.env['REQUIRE_KUSTOMIZE'] === '1';

function missing(what: string): string | false {
  return required ? false : `${what} (set KUSTOMIZE or install it: ${INSTALL})`;
}
const skip = render === undefined ? missing('neither kustomize nor kubectl found') : false;
const skipEdit = kustomize === undefined ? missing('`kustomize edit` needs the standalone kustomize, not found') : false;

function build(dir: string): Doc[] {
  assert.ok(render !== undefined, `REQUIRE_KUSTOMIZE=1, and neither kustomize nor kubectl is installed (${INSTALL})`);
  const [command, args] = render(dir);
  return parseDocuments(execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }));
}

describe('kustomize build', { skip }, () => {
  for (const dir of kustomizationDirs()) {
    test(`${relative(REPO_ROOT, dir)} renders, and nothing in it is local-only`, () => {
      const objects = build(dir);
      assert.ok(objects.length > 0);
      for (const object of objects) {
        assert.ok(object.kind && object.metadata?.name, `an object without kind or name: ${JSON.stringify(object).slice(0, 200)}`);
        assert.notEqual(object.metadata.annotations?.['config.kubernetes.io/local-config'], 'true', `${object.kind}/${object.metadata.name} would be applied`);
      }
    });
  }

  test("deploy/katib-config renders exactly Katib's ConfigMap, holding katib-config.yaml unchanged", () => {
    const objects = build(KATIB_CONFIG_DIR);
    assert.deepEqual(
      objects.map((object) => [object.kind, object.metadata.namespace, object.metadata.name]),
      [['ConfigMap', 'kubeflow', 'katib-config']],
    );
    assert.deepEqual(Object.keys(objects[0]!.data), ['katib-config.yaml']);
    assert.equal(objects[0]!.data['katib-config.yaml'], readFileSync(KATIB_CONFIG_FILE, 'utf8'));
  });

  test('one `kustomize edit set image` changes that image wherever katib-config.yaml uses it, and nothing else', { skip: skipEdit }, () => {
    assert.ok(kustomize !== undefined, `REQUIRE_KUSTOMIZE=1, and the standalone kustomize is not installed (${INSTALL})`);
    const work = mkdtempSync(join(tmpdir(), 'katib-ts-kustomize-'));
    try {
      cpSync(KATIB_CONFIG_DIR, work, { recursive: true });
      execFileSync(kustomize, ['edit', 'set', 'image', 'ghcr.io/katib-ts/suggestion-tpe=registry.example.com/ml/tpe:v9.9.9'], { cwd: work });
      execFileSync(kustomize, ['edit', 'set', 'image', 'ghcr.io/katib-ts/earlystopping-medianstop=registry.example.com/ml/medianstop@sha256:' + 'ab'.repeat(32)], {
        cwd: work,
      });
      const [configMap] = build(work);
      const rendered = parseDocuments(configMap!.data['katib-config.yaml'])[0]!;
      const original = readDocuments(KATIB_CONFIG_FILE)[0]!;
      const imagesOf = (config: Doc) => ({
        suggestions: Object.fromEntries((config.runtime.suggestions as Doc[]).map((entry) => [entry.algorithmName, entry.image])),
        earlyStoppings: Object.fromEntries((config.runtime.earlyStoppings as Doc[]).map((entry) => [entry.algorithmName, entry.image])),
      });
      const expected = imagesOf(original);
      expected.suggestions['tpe'] = 'registry.example.com/ml/tpe:v9.9.9';
      expected.suggestions['multivariate-tpe'] = 'registry.example.com/ml/tpe:v9.9.9';
      expected.earlyStoppings['medianstop'] = 'registry.example.com/ml/medianstop@sha256:' + 'ab'.repeat(32);
      assert.deepEqual(imagesOf(rendered), expected);
      // Apart from the images, the configuration is the same.
      const withoutImages = (config: Doc) => JSON.stringify(config, (key, value) => (key === 'image' ? undefined : value));
      assert.equal(withoutImages(rendered), withoutImages(original));
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('`make kustomize-images` points every image of both overlays at one registry and tag', { skip: skipEdit }, () => {
    const work = mkdtempSync(join(tmpdir(), 'katib-ts-kustomize-images-'));
    try {
      // The Makefile's inputs (services/*/main.ts, package.json) and the overlays, in a copy it may edit.
      for (const path of ['Makefile', 'package.json', 'services', join('deploy', 'katib-config'), join('deploy', 'standalone'), join('deploy', 'rbac')]) {
        cpSync(join(REPO_ROOT, path), join(work, path), { recursive: true });
      }
      execFileSync('make', ['-s', 'kustomize-images', 'REGISTRY=registry.example.com/ml', 'VERSION=v9', `KUSTOMIZE=${kustomize!}`], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
      const [configMap] = build(join(work, 'deploy', 'katib-config'));
      const config = parseDocuments(configMap!.data['katib-config.yaml'])[0]!;
      const ours = [...(config.runtime.suggestions as Doc[]), ...(config.runtime.earlyStoppings as Doc[])].filter(
        (entry) => entry.algorithmName in OUR_SUGGESTIONS || entry.algorithmName in OUR_EARLY_STOPPINGS,
      );
      assert.ok(ours.length > 0);
      for (const entry of ours) assert.match(entry.image, /^registry\.example\.com\/ml\/(suggestion|earlystopping)-[a-z]+:v9$/, entry.algorithmName);
      const containers = build(join(work, 'deploy', 'standalone'))
        .filter((object) => object.kind === 'Deployment')
        .flatMap((deployment) => deployment.spec.template.spec.containers as Doc[]);
      assert.ok(containers.length > 0);
      for (const container of containers) assert.match(container.image, /^registry\.example\.com\/ml\/(suggestion|earlystopping)-[a-z]+:v9$/, container.name);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('deploy/standalone puts everything, RBAC subjects included, in its one namespace', () => {
    const objects = build(join(DEPLOY_DIR, 'standalone'));
    const namespace = objects.find((object) => object.kind === 'Namespace')!.metadata.name;
    for (const object of objects.filter((candidate) => candidate.kind !== 'Namespace')) {
      assert.equal(object.metadata.namespace, namespace, `${object.kind}/${object.metadata.name}`);
    }
    const binding = objects.find((object) => object.kind === 'RoleBinding')!;
    assert.equal(binding.subjects[0].namespace, namespace);
  });
});
