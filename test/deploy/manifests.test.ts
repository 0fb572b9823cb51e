import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, test } from 'node:test';
import { REPO_ROOT } from '../../shared/repo-root.js';
import { finalStageInstructions, makeImageTable } from './support/image-contents.js';
import {
  DEPLOY_DIR,
  EARLY_STOPPING_FIELDS,
  imageName,
  KATIB_CONFIG_DIR,
  KATIB_CONFIG_FILE,
  kustomizationDirs,
  OUR_EARLY_STOPPINGS,
  OUR_SUGGESTIONS,
  quantity,
  readDocuments,
  readKustomization,
  STOCK_SUGGESTIONS,
  yamlFiles,
  type Doc,
} from './support/manifests.js';

// Static checks of deploy/ (no cluster here): every file parses, kustomizations point at files that exist, and
// the objects say what an operator relies on. test/deploy/kustomize.test.ts renders them as well.

const table = makeImageTable();
const name = (path: string) => relative(REPO_ROOT, path);

/** Containers as Katib builds a suggestion container from a katib-config entry (which inlines a Container). */
function checkContainerSecurity(where: string, context: Doc | undefined): void {
  assert.ok(context, `${where}: no securityContext`);
  assert.equal(context.allowPrivilegeEscalation, false, `${where}: allowPrivilegeEscalation`);
  assert.equal(context.readOnlyRootFilesystem, true, `${where}: readOnlyRootFilesystem`);
  assert.deepEqual(context.capabilities?.drop, ['ALL'], `${where}: capabilities.drop`);
  assert.notEqual(context.privileged, true, `${where}: privileged`);
}

function checkResources(where: string, resources: Doc | undefined): void {
  assert.ok(resources?.requests && resources?.limits, `${where}: requests and limits`);
  for (const resource of ['cpu', 'memory']) {
    const request = resources.requests[resource];
    const limit = resources.limits[resource];
    assert.ok(request !== undefined && limit !== undefined, `${where}: ${resource} request and limit`);
    assert.ok(quantity(limit) >= quantity(request), `${where}: ${resource} limit ${limit} below request ${request}`);
  }
}

function checkGrpcProbe(where: string, probe: Doc | undefined, port: number, service: string): void {
  assert.ok(probe?.grpc, `${where}: not a gRPC probe`);
  assert.equal(probe.grpc.port, port, `${where}: probe port`);
  assert.equal(probe.grpc.service, service, `${where}: probe service name`);
}

describe('deploy/', () => {
  test('every YAML file parses without error or warning', () => {
    const files = yamlFiles();
    assert.ok(files.length >= 10, `only ${files.length} YAML files under deploy/`);
    for (const file of files) assert.ok(readDocuments(file).length > 0, `${name(file)} holds no document`);
  });

  test("every kustomization's resources, generator files and patches exist", () => {
    const dirs = kustomizationDirs();
    for (const expected of ['katib-config', 'rbac', 'standalone', 'examples']) {
      assert.ok(dirs.includes(join(DEPLOY_DIR, expected)), `deploy/${expected} has no kustomization.yaml`);
    }
    for (const dir of dirs) {
      const kustomization = readKustomization(dir);
      assert.equal(kustomization.kind, 'Kustomization', name(dir));
      const paths: string[] = [
        ...(kustomization.resources ?? []),
        ...(kustomization.configMapGenerator ?? []).flatMap((generator: Doc) => generator.files ?? []),
        ...(kustomization.patches ?? []).map((patch: Doc) => patch.path).filter(Boolean),
      ];
      for (const path of paths) {
        const target = join(dir, path);
        assert.ok(existsSync(target), `${name(dir)}/kustomization.yaml names ${path}, which does not exist`);
        const resource = (kustomization.resources ?? []).includes(path);
        if (resource && !/\.ya?ml$/.test(path)) assert.ok(existsSync(join(target, 'kustomization.yaml')), `${path} is a folder without kustomization.yaml`);
      }
    }
  });

  test('nothing asks for cluster-wide rights', () => {
    for (const file of yamlFiles()) {
      for (const document of readDocuments(file)) {
        assert.ok(!['ClusterRole', 'ClusterRoleBinding'].includes(document.kind), `${name(file)} has a ${document.kind}`);
      }
    }
  });
});

describe('deploy/katib-config', () => {
  const text = readFileSync(KATIB_CONFIG_FILE, 'utf8');
  const config = readDocuments(KATIB_CONFIG_FILE)[0]!;
  const suggestions: Doc[] = config.runtime?.suggestions ?? [];
  const earlyStoppings: Doc[] = config.runtime?.earlyStoppings ?? [];
  const kustomization = readKustomization(KATIB_CONFIG_DIR);
  const references = readDocuments(join(KATIB_CONFIG_DIR, 'image-references.yaml'))[0]!;
  const referenceOf = (algorithm: string): string =>
    (references.spec.containers as Doc[]).find((container) => container.name === algorithm)?.image;

  test('is a KatibConfig with unique algorithm names', () => {
    assert.equal(config.apiVersion, 'config.kubeflow.org/v1beta1');
    assert.equal(config.kind, 'KatibConfig');
    const names = suggestions.map((entry) => entry.algorithmName);
    assert.equal(new Set(names).size, names.length, `duplicate suggestion: ${names}`);
    // Katib v0.19.0's own trial resources, every one of them (test/katib/conformance compares the whole file).
    for (const resource of ['TrainJob.v1alpha1.trainer.kubeflow.org', 'Job.v1.batch', 'TFJob.v1.kubeflow.org', 'PyTorchJob.v1.kubeflow.org']) {
      assert.ok(config.init?.controller?.trialResources?.includes(resource), `Katib's init settings lack ${resource}`);
    }
  });

  test("generates Katib's ConfigMap: katib-config in kubeflow, key katib-config.yaml, no name suffix", () => {
    assert.equal(kustomization.namespace, 'kubeflow');
    const [generator] = kustomization.configMapGenerator as Doc[];
    assert.equal(generator!.name, 'katib-config');
    assert.deepEqual(generator!.files, ['katib-config.yaml']);
    assert.equal(generator!.options?.disableNameSuffixHash, true);
  });

  test('keeps the stock entries of the algorithms katib-ts does not provide', () => {
    for (const algorithm of STOCK_SUGGESTIONS) {
      const entry = suggestions.find((candidate) => candidate.algorithmName === algorithm);
      assert.ok(entry?.image?.startsWith('ghcr.io/kubeflow/katib/'), `${algorithm}: ${JSON.stringify(entry)}`);
    }
    assert.ok(config.runtime.metricsCollectors.some((collector: Doc) => collector.kind === 'StdOut'), "Katib's metrics collectors are kept");
  });

  for (const [algorithm, service] of Object.entries(OUR_SUGGESTIONS)) {
    test(`registers ${algorithm} with the ${service} image, ports, probes, resources and a locked-down container`, () => {
      const entry = suggestions.find((candidate) => candidate.algorithmName === algorithm);
      assert.ok(entry, `no suggestion entry for ${algorithm}`);
      const facts = table.get(service);
      assert.ok(facts, `make list-images has no ${service}`);
      assert.equal(entry.image, facts.image, `${algorithm}: the image the Makefile builds`);
      assert.equal(entry.image, referenceOf(algorithm), `${algorithm}: image-references.yaml names another image`);
      // Katib adds 6789 itself and rejects a config that lists it (by name or number).
      const ports: Doc[] = entry.ports ?? [];
      assert.ok(!ports.some((port) => port.name === 'suggestion-api' || port.containerPort === 6789), 'Katib refuses port 6789 in the config');
      const metrics = ports.find((port) => port.name === 'metrics');
      assert.equal(metrics?.containerPort, facts.metricsPort, 'metrics port');
      const env = Object.fromEntries((entry.env as Doc[]).map((variable) => [variable.name, variable.value]));
      assert.equal(env['METRICS_PORT'], String(facts.metricsPort), 'METRICS_PORT matches the declared port');
      checkGrpcProbe(`${algorithm} readiness`, entry.readinessProbe, 6789, 'manager.v1beta1.Suggestion');
      checkGrpcProbe(`${algorithm} liveness`, entry.livenessProbe, 6789, 'manager.v1beta1.Suggestion');
      checkResources(algorithm, entry.resources);
      checkContainerSecurity(algorithm, entry.securityContext);
      assert.equal(entry.securityContext.runAsNonRoot, true);
      // Katib's suggestion entry is a Container plus a few fields: nothing for the pod (a podSecurityContext would be dropped).
      assert.ok(!('podSecurityContext' in entry), 'Katib has no podSecurityContext for a suggestion');
    });
  }

  for (const [algorithm, service] of Object.entries(OUR_EARLY_STOPPINGS)) {
    test(`registers early stopping ${algorithm} with only the fields Katib reads`, () => {
      const entry = earlyStoppings.find((candidate) => candidate.algorithmName === algorithm);
      assert.ok(entry, `no earlyStoppings entry for ${algorithm}`);
      for (const key of Object.keys(entry)) assert.ok(EARLY_STOPPING_FIELDS.includes(key), `Katib ignores ${key} on an early-stopping entry`);
      assert.equal(entry.image, table.get(service)?.image);
      assert.equal(entry.image, referenceOf(algorithm));
      checkResources(algorithm, entry.resources);
      // Katib cannot give this container a security context: the image's own non-root user (Dockerfile) applies.
      // Katib cannot pass it METRICS_PORT, and it shares the pod's network with the suggestion container.
      assert.notEqual(table.get(service)?.metricsPort, table.get('random')?.metricsPort, 'metrics ports would collide in one pod');
    });
  }

  test('the replacements put each image reference at its quoted place in katib-config.yaml', () => {
    const fields = text.split('"');
    const ours = [...Object.keys(OUR_SUGGESTIONS), ...Object.keys(OUR_EARLY_STOPPINGS)];
    assert.equal(fields.length, 2 * ours.length + 1, 'double quotes appear around the image references only');
    const replacements = kustomization.replacements as Doc[];
    assert.equal(replacements.length, ours.length);
    for (const replacement of replacements) {
      const algorithm = /\[name=([^\]]+)\]/.exec(replacement.source.fieldPath)?.[1];
      assert.ok(algorithm && ours.includes(algorithm), `replacement source ${replacement.source.fieldPath}`);
      const [target] = replacement.targets as Doc[];
      assert.deepEqual(target!.fieldPaths, ['data.[katib-config.yaml]']);
      assert.equal(target!.options.delimiter, '"');
      const index = target!.options.index as number;
      assert.equal(fields[index], referenceOf(algorithm), `index ${index} is not ${algorithm}'s image`);
      // The quoted image belongs to this algorithm's entry: the nearest algorithmName above it names it.
      const before = fields.slice(0, index).join('"');
      assert.equal([...before.matchAll(/algorithmName: (\S+)/g)].pop()?.[1], algorithm);
    }
  });

  test("the images list names every image of ours, under the Makefile's names and tag", () => {
    const listed = new Map((kustomization.images as Doc[]).map((image) => [image.name, image.newTag]));
    const built = new Set([...table.values()].map((facts) => facts.image));
    for (const container of references.spec.containers as Doc[]) {
      assert.ok(listed.has(imageName(container.image)), `images has no entry for ${imageName(container.image)}`);
      assert.equal(`${imageName(container.image)}:${listed.get(imageName(container.image))}`, container.image);
      if (table.has(OUR_SUGGESTIONS[container.name] ?? OUR_EARLY_STOPPINGS[container.name]!)) assert.ok(built.has(container.image));
    }
    assert.equal(references.metadata.annotations['config.kubernetes.io/local-config'], 'true', 'the reference Pod must never be applied');
  });
});

describe('deploy/rbac', () => {
  const documents = readDocuments(join(DEPLOY_DIR, 'rbac', 'medianstop-rbac.yaml'));
  const role = documents.find((document) => document.kind === 'Role')!;
  const binding = documents.find((document) => document.kind === 'RoleBinding')!;
  const account = documents.find((document) => document.kind === 'ServiceAccount')!;

  test('grants get on trials and get, patch, update on trials/status, nothing else', () => {
    const granted = (role.rules as Doc[]).flatMap((rule) =>
      (rule.apiGroups as string[]).flatMap((group) => (rule.resources as string[]).flatMap((resource) => (rule.verbs as string[]).map((verb) => `${group} ${resource} ${verb}`))),
    );
    assert.deepEqual(granted.sort(), [
      'kubeflow.org trials get',
      'kubeflow.org trials/status get',
      'kubeflow.org trials/status patch',
      'kubeflow.org trials/status update',
    ]);
    for (const rule of role.rules as Doc[]) assert.ok(!(rule.resourceNames ?? []).includes('*') && !rule.verbs.includes('*'));
  });

  test("binds that Role to the service's account in the same namespace", () => {
    assert.deepEqual(binding.roleRef, { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: role.metadata.name });
    assert.deepEqual(binding.subjects, [{ kind: 'ServiceAccount', name: account.metadata.name }]);
  });
});

describe('deploy/standalone', () => {
  const kustomization = readKustomization(join(DEPLOY_DIR, 'standalone'));
  const documents = (kustomization.resources as string[])
    .filter((path) => path.endsWith('.yaml'))
    .flatMap((path) => readDocuments(join(DEPLOY_DIR, 'standalone', path)));

  for (const [service, facts] of table) {
    test(`${service}: a scalable Deployment and a Service on the Makefile's ports`, () => {
      const deployment = documents.find((document) => document.kind === 'Deployment' && document.metadata.name === `katib-ts-${service}`);
      assert.ok(deployment, `no Deployment katib-ts-${service}`);
      const pod = deployment.spec.template.spec;
      const [container] = pod.containers as Doc[];
      assert.equal(container!.image, facts.image);
      const ports = Object.fromEntries((container!.ports as Doc[]).map((port) => [port.name, port.containerPort]));
      const apiPort = service in OUR_EARLY_STOPPINGS ? 'earlystop-api' : 'suggestion-api';
      assert.deepEqual(ports, { [apiPort]: facts.port, metrics: facts.metricsPort });
      const health = service in OUR_EARLY_STOPPINGS ? 'api.v1.beta1.EarlyStopping' : 'manager.v1beta1.Suggestion';
      checkGrpcProbe(`${service} readiness`, container!.readinessProbe, facts.port, health);
      checkGrpcProbe(`${service} liveness`, container!.livenessProbe, facts.port, health);
      checkResources(service, container!.resources);
      checkContainerSecurity(service, container!.securityContext);
      assert.equal(pod.securityContext.runAsNonRoot, true);
      assert.equal(pod.enableServiceLinks, false, 'Service links could set METRICS_PORT=tcp://...');
      if (service in OUR_EARLY_STOPPINGS) assert.equal(pod.serviceAccountName, 'katib-ts-medianstop');
      else assert.equal(pod.automountServiceAccountToken, false);
      assert.ok(pod.terminationGracePeriodSeconds > 20, 'the kubelet waits longer than the drain deadline');
      // No PodDisruptionBudget and no per-replica identity: any number of replicas is fine.
      assert.ok(!documents.some((document) => document.kind === 'PodDisruptionBudget' || document.kind === 'StatefulSet'));

      const serviceObject = documents.find((document) => document.kind === 'Service' && document.metadata.name === `katib-ts-${service}`);
      assert.ok(serviceObject, `no Service katib-ts-${service}`);
      assert.deepEqual(serviceObject.spec.selector, deployment.spec.selector.matchLabels);
      assert.deepEqual(
        (serviceObject.spec.ports as Doc[]).map((port) => [port.port, port.targetPort]),
        [
          [facts.port, apiPort],
          [facts.metricsPort, 'metrics'],
        ],
      );
    });
  }
});

describe('deploy/examples', () => {
  const kustomization = readKustomization(join(DEPLOY_DIR, 'examples'));
  const experiments = (kustomization.resources as string[]).flatMap((path) => readDocuments(join(DEPLOY_DIR, 'examples', path)));

  test('one Experiment per katib-ts algorithm and one with median stopping', () => {
    for (const document of experiments) assert.equal(document.kind, 'Experiment');
    const algorithms = new Set(experiments.map((experiment) => experiment.spec.algorithm.algorithmName));
    for (const algorithm of Object.keys(OUR_SUGGESTIONS)) assert.ok(algorithms.has(algorithm), `no example for ${algorithm}`);
    assert.ok(experiments.some((experiment) => experiment.spec.earlyStopping?.algorithmName === 'medianstop'), 'no median stopping example');
  });

  for (const path of readKustomization(join(DEPLOY_DIR, 'examples')).resources as string[]) {
    test(`${path}: trials run Katib's public example image with every trial parameter bound`, () => {
      const [experiment] = readDocuments(join(DEPLOY_DIR, 'examples', path));
      const spec = experiment!.spec;
      const parameterNames = new Set((spec.parameters as Doc[]).map((parameter) => parameter.name));
      const trialParameters = spec.trialTemplate.trialParameters as Doc[];
      for (const parameter of trialParameters) assert.ok(parameterNames.has(parameter.reference), `${parameter.name} references ${parameter.reference}`);
      const [container] = spec.trialTemplate.trialSpec.spec.template.spec.containers as Doc[];
      assert.match(container!.image, /^ghcr\.io\/kubeflow\/katib\/[a-z0-9-]+:v\d+\.\d+\.\d+$/, 'a pinned public Katib example image');
      const used = [...(container!.command as string[]).join(' ').matchAll(/\$\{trialParameters\.(\w+)\}/g)].map((match) => match[1]);
      assert.deepEqual(used.sort(), trialParameters.map((parameter) => parameter.name).sort());
      assert.ok(spec.maxTrialCount >= spec.parallelTrialCount);
      if (spec.earlyStopping !== undefined) {
        assert.equal(spec.trialTemplate.retain, true, 'an early-stopping Experiment keeps its trials, or Katib stalls waiting for their metrics');
      }
    });
  }
});

describe('Dockerfile', () => {
  const final = finalStageInstructions();

  test('defaults to the public Node 20 slim base', () => {
    assert.match(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'), /^ARG BASE_IMAGE=node:20-bookworm-slim$/m);
  });

  test('the final stage has no shell to need: from scratch, a numeric non-root user, exec-form node entrypoint', () => {
    assert.equal(final[0], 'FROM scratch');
    const user = final.find((line) => line.startsWith('USER '))?.slice(5);
    assert.match(user ?? '', /^[1-9]\d*:[1-9]\d*$/, 'numeric user and group, not root');
    const entrypoint = final.find((line) => line.startsWith('ENTRYPOINT '));
    assert.equal(JSON.parse(entrypoint!.slice('ENTRYPOINT '.length))[0], 'node');
    assert.ok(final.some((line) => /^EXPOSE \$\{PORT\}/.test(line)));
    assert.ok(!final.some((line) => /^(RUN|SHELL)\b/.test(line)), 'a scratch stage cannot run commands');
  });

  test('.dockerignore lets in only what the build copies', () => {
    const rules = readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8').split('\n').filter((line) => line && !line.startsWith('#'));
    assert.equal(rules[0], '*');
    assert.ok(!rules.includes('!node_modules') && !rules.includes('!dist/') && !rules.includes('!.git'));
  });
});
