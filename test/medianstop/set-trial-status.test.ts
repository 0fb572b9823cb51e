import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { callError, grpc } from './early-stopping-client.js';
import { startTrialApiStandIn, trialObject, type TrialApiStandIn } from '../../bench/katib/trial-api-stand-in.js';
import { startMedianStop, type RunningMedianStop } from './medianstop-server.js';
import { unusedAddress } from '../support/unused-address.js';

/**
 * SetTrialStatus through a real gRPC server, against a local HTTP server playing the Kubernetes API, reached
 * through a kubeconfig file as the service reaches a cluster from outside one.
 */

const NAMESPACE = 'katib-test';
const NOW = new Date('2026-11-21T08:30:15.250Z');
const EXPECTED_CONDITION = {
  type: 'EarlyStopped',
  status: 'True',
  reason: 'TrialEarlyStopped',
  message: 'Trial is early stopped: its objective was worse than the median stopping rule allows',
  lastUpdateTime: '2026-11-21T08:30:15Z',
  lastTransitionTime: '2026-11-21T08:30:15Z',
};
const TRIALS_PATH = `/apis/kubeflow.org/v1beta1/namespaces/${NAMESPACE}/trials`;

let kube: TrialApiStandIn;
let service: RunningMedianStop;

before(async () => {
  kube = await startTrialApiStandIn(NAMESPACE);
  service = await startMedianStop({ kubernetesEnv: { KUBECONFIG: kube.kubeconfigPath, NAMESPACE }, now: () => NOW });
});
after(async () => {
  await service.close();
  await kube.close();
});

function requestsSince(start: number): [string, string][] {
  return kube.requests.slice(start).map((request) => [request.method, request.path.split('?')[0]!]);
}

test('the trial gets exactly the EarlyStopped condition, appended through the status subresource', async () => {
  const original = trialObject('trial-marked', NAMESPACE);
  kube.trials.set('trial-marked', original);
  const start = kube.requests.length;
  await service.client.setTrialStatus('trial-marked');

  assert.deepEqual(requestsSince(start), [
    ['GET', `${TRIALS_PATH}/trial-marked`],
    ['PUT', `${TRIALS_PATH}/trial-marked/status`],
  ]);
  const write = kube.requests.at(-1)!;
  assert.equal(write.authorization, 'Bearer test-token');
  assert.match(write.contentType ?? '', /^application\/json/);
  // The write carries what was read, so the API server can refuse it if the trial changed meanwhile.
  assert.equal((write.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion, '1');

  const stored = kube.trials.get('trial-marked')!;
  assert.deepEqual(stored.status!.conditions, [...original.status!.conditions!, EXPECTED_CONDITION]);
  assert.deepEqual({ ...stored.status, conditions: undefined }, { ...original.status, conditions: undefined });
  assert.deepEqual(stored.spec, original.spec);
});

test('a 409 conflict is retried on a fresh read, and the condition is written once', async () => {
  kube.trials.set('trial-contended', trialObject('trial-contended', NAMESPACE, { resourceVersion: '7' }));
  kube.conflictOnce = true;
  const start = kube.requests.length;
  await service.client.setTrialStatus('trial-contended');

  assert.deepEqual(requestsSince(start), [
    ['GET', `${TRIALS_PATH}/trial-contended`],
    ['PUT', `${TRIALS_PATH}/trial-contended/status`],
    ['GET', `${TRIALS_PATH}/trial-contended`],
    ['PUT', `${TRIALS_PATH}/trial-contended/status`],
  ]);
  assert.equal((kube.requests.at(-1)!.body as { metadata: { resourceVersion: string } }).metadata.resourceVersion, '8');
  const stored = kube.trials.get('trial-contended')!;
  assert.deepEqual(stored.status!.conditions!.filter((condition) => condition.type === 'EarlyStopped'), [EXPECTED_CONDITION]);
  assert.equal(stored.metadata!.resourceVersion, '9');
});

test('a trial already marked early stopped is left as it is', async () => {
  kube.trials.set('trial-repeat', trialObject('trial-repeat', NAMESPACE));
  await service.client.setTrialStatus('trial-repeat');
  const start = kube.requests.length;
  await service.client.setTrialStatus('trial-repeat');
  assert.deepEqual(requestsSince(start), [['GET', `${TRIALS_PATH}/trial-repeat`]]);
  assert.equal(kube.trials.get('trial-repeat')!.status!.conditions!.filter((condition) => condition.type === 'EarlyStopped').length, 1);
});

test('a trial that does not exist is NOT_FOUND naming it and the namespace', async () => {
  const error = await callError(service.client.setTrialStatus('trial-missing'));
  assert.equal(error.code, grpc.status.NOT_FOUND, error.details);
  assert.match(error.details, /trial "trial-missing" in namespace "katib-test" does not exist: trials.kubeflow.org "trial-missing" not found/);
});

test('an unreachable Kubernetes API is UNAVAILABLE naming the server', async () => {
  const deadApi = await startTrialApiStandIn(NAMESPACE);
  const server = `http://${await unusedAddress()}`;
  const { writeFileSync, readFileSync } = await import('node:fs');
  writeFileSync(deadApi.kubeconfigPath, readFileSync(deadApi.kubeconfigPath, 'utf8').replace(deadApi.server, server));
  const isolated = await startMedianStop({ kubernetesEnv: { KUBECONFIG: deadApi.kubeconfigPath, NAMESPACE } });
  try {
    const error = await callError(isolated.client.setTrialStatus('trial-anywhere'));
    assert.equal(error.code, grpc.status.UNAVAILABLE, error.details);
    assert.ok(error.details.startsWith(`the Kubernetes API at ${server} is unreachable`), error.details);
  } finally {
    await isolated.close();
    await deadApi.close();
  }
});

test('a trial name that is not a Kubernetes object name is INVALID_ARGUMENT, before Kubernetes is asked', async () => {
  for (const name of ['', 'Trial_1', '../secrets', 'a/b']) {
    const error = await callError(service.client.setTrialStatus(name));
    assert.equal(error.code, grpc.status.INVALID_ARGUMENT, error.details);
    assert.match(error.details, /^trial_name ".*" is not a Kubernetes object name/);
  }
  assert.equal(kube.requests.filter((request) => request.path.includes('Trial_1')).length, 0);
});

test('without NAMESPACE outside a pod, SetTrialStatus is FAILED_PRECONDITION saying why', async () => {
  const unconfigured = await startMedianStop({ kubernetesEnv: { KUBECONFIG: kube.kubeconfigPath } });
  try {
    const error = await callError(unconfigured.client.setTrialStatus('trial-anywhere'));
    assert.equal(error.code, grpc.status.FAILED_PRECONDITION, error.details);
    assert.match(error.details, /NAMESPACE is not set and \/var\/run\/secrets\/kubernetes.io\/serviceaccount\/namespace cannot be read/);
  } finally {
    await unconfigured.close();
  }
});
