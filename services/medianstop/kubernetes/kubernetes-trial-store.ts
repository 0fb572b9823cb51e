import { readFileSync } from 'node:fs';
import { delimiter } from 'node:path';
import type { CustomObjectsApi, KubeConfig } from '@kubernetes/client-node';
import { messageOf } from '../../../shared/errors/message-of.js';
import { dependencyUnavailable, notConfigured, notPermitted, quote, trialNotFound, type ServiceError } from '../../../shared/errors/service-error.js';
import type { TrialObject } from './trial-conditions.js';
import { WriteConflict, type TrialStore } from './trial-store.js';

type KubernetesClient = typeof import('@kubernetes/client-node');

const TRIALS = { group: 'kubeflow.org', version: 'v1beta1', plural: 'trials' } as const;
/** Time one API request may take before SetTrialStatus gives up on it. */
const REQUEST_TIMEOUT_MS = 10_000;
export const SERVICE_ACCOUNT_NAMESPACE_FILE = '/var/run/secrets/kubernetes.io/serviceaccount/namespace';

/** Katib's Trials in one namespace, through the Kubernetes API. */
export class KubernetesTrialStore implements TrialStore {
  private readonly api: CustomObjectsApi;
  private readonly server: string;

  constructor(
    private readonly client: KubernetesClient,
    config: KubeConfig,
    readonly namespace: string,
  ) {
    this.api = config.makeApiClient(client.CustomObjectsApi);
    this.server = config.getCurrentCluster()?.server ?? 'unknown server';
  }

  async get(name: string): Promise<TrialObject> {
    try {
      return (await withTimeout(this.api.getNamespacedCustomObject({ ...TRIALS, namespace: this.namespace, name }))) as TrialObject;
    } catch (error) {
      throw this.describe(error, name, 'get trials');
    }
  }

  async replaceStatus(name: string, trial: TrialObject): Promise<void> {
    try {
      await withTimeout(this.api.replaceNamespacedCustomObjectStatus({ ...TRIALS, namespace: this.namespace, name, body: trial }));
    } catch (error) {
      if (error instanceof this.client.ApiException && error.code === 409) throw new WriteConflict(name);
      throw this.describe(error, name, 'update trials/status');
    }
  }

  private describe(error: unknown, name: string, permission: string): ServiceError {
    const trial = `trial ${quote(name)} in namespace ${quote(this.namespace)}`;
    if (!(error instanceof this.client.ApiException)) {
      const reason = error instanceof Error ? `${error.message}${causeOf(error)}` : String(error);
      return dependencyUnavailable(`the Kubernetes API at ${this.server} is unreachable while updating ${trial}: ${reason}`);
    }
    const detail = statusMessage(error.body) ?? `HTTP ${error.code}`;
    switch (error.code) {
      case 404:
        return trialNotFound(`${trial} does not exist: ${detail}`);
      case 401:
      case 403:
        return notPermitted(`the service account may not ${permission} in namespace ${quote(this.namespace)}: ${detail}`);
      default:
        return dependencyUnavailable(`the Kubernetes API at ${this.server} failed for ${trial}: HTTP ${error.code}: ${detail}`);
    }
  }
}

class RequestTimeout extends Error {
  constructor() {
    super(`no answer within ${REQUEST_TIMEOUT_MS} ms`);
  }
}

/**
 * Gives up waiting after REQUEST_TIMEOUT_MS. The request itself may still land later; that is harmless because
 * marking a trial is idempotent, and the controller's retry then finds the condition already there.
 */
async function withTimeout<T>(request: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new RequestTimeout()), REQUEST_TIMEOUT_MS);
  });
  try {
    return await Promise.race([request, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The `message` of a Kubernetes Status object in an error body, whichever form the client handed it over in. */
export function statusMessage(body: unknown): string | undefined {
  let parsed = body;
  if (typeof body === 'string') {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body.trim() === '' ? undefined : body;
    }
  }
  const message = (parsed as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : undefined;
}

/** Network errors from fetch hide the useful part ("connect ECONNREFUSED ...") in `cause`. */
function causeOf(error: Error): string {
  const cause = (error as { cause?: unknown }).cause;
  return cause instanceof Error ? ` (${cause.message})` : '';
}

/**
 * How to reach the API server: the files KUBECONFIG lists (the first one's current context wins); inside a pod
 * (KUBERNETES_SERVICE_HOST set by the kubelet), the pod's service account; otherwise ~/.kube/config.
 */
export function loadKubeConfig(client: KubernetesClient, env: NodeJS.ProcessEnv): KubeConfig {
  const config = new client.KubeConfig();
  const files = (env['KUBECONFIG'] ?? '').split(delimiter).filter((file) => file !== '');
  if (files.length > 0) {
    config.loadFromFile(files[0]!);
    for (const file of files.slice(1)) {
      const more = new client.KubeConfig();
      more.loadFromFile(file);
      config.mergeConfig(more, true);
    }
  } else if (env['KUBERNETES_SERVICE_HOST']) {
    config.loadFromCluster();
  } else {
    config.loadFromDefault();
  }
  return config;
}

/** The namespace the pod's trials live in: NAMESPACE when set, else the service account's namespace file. */
export function trialNamespace(env: NodeJS.ProcessEnv, readFile: (path: string) => string = (path) => readFileSync(path, 'utf8')): string {
  const fromEnv = env['NAMESPACE']?.trim();
  if (fromEnv) return fromEnv;
  let fromFile: string;
  try {
    fromFile = readFile(SERVICE_ACCOUNT_NAMESPACE_FILE).trim();
  } catch (error) {
    throw notConfigured(
      `cannot tell which namespace the trials are in: NAMESPACE is not set and ${SERVICE_ACCOUNT_NAMESPACE_FILE} cannot be read (${messageOf(error)})`,
    );
  }
  if (fromFile === '') throw notConfigured(`${SERVICE_ACCOUNT_NAMESPACE_FILE} is empty and NAMESPACE is not set`);
  return fromFile;
}

/**
 * The trial store for this process's environment. The Kubernetes client is imported here rather than with this
 * module: it takes seconds to load, only SetTrialStatus needs it, and main.ts loads it after the service is
 * already listening.
 */
export async function kubernetesTrialStore(env: NodeJS.ProcessEnv): Promise<KubernetesTrialStore> {
  const namespace = trialNamespace(env);
  let client: KubernetesClient;
  try {
    client = await import('@kubernetes/client-node');
  } catch (error) {
    throw notConfigured(`the Kubernetes client library cannot be loaded on Node.js ${process.version}: ${messageOf(error)}`);
  }
  let config: KubeConfig;
  try {
    config = loadKubeConfig(client, env);
  } catch (error) {
    throw notConfigured(`cannot load the Kubernetes client configuration: ${messageOf(error)}`);
  }
  return new KubernetesTrialStore(client, config, namespace);
}
