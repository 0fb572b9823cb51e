import type { CoreV1Api, KubeConfig, V1ConfigMap } from '@kubernetes/client-node';
import { loadKubeConfig, statusMessage } from '../../services/medianstop/kubernetes/kubernetes-trial-store.js';
import { messageOf } from '../../shared/errors/message-of.js';

type KubernetesClient = typeof import('@kubernetes/client-node');

/** A ConfigMap as this tool handles it: its name, version, data and annotations. */
export interface ConfigMapObject {
  name: string;
  namespace: string;
  /** The version read; a write with it fails with ConflictError if someone wrote in between. */
  resourceVersion: string;
  data: Record<string, string>;
  annotations: Record<string, string>;
  labels: Record<string, string>;
}

/** Someone else changed (or created) the object since it was read. */
export class ConflictError extends Error {}

/** The ConfigMaps of one namespace, through the Kubernetes API, with optimistic concurrency on every write. */
export class ConfigMapStore {
  private readonly api: CoreV1Api;
  readonly server: string;

  private constructor(
    private readonly client: KubernetesClient,
    config: KubeConfig,
    readonly namespace: string,
  ) {
    this.api = config.makeApiClient(client.CoreV1Api);
    this.server = config.getCurrentCluster()?.server ?? 'the API server';
  }

  /** From the current kubeconfig (KUBECONFIG, ~/.kube/config) or the pod's service account; `context` picks another context. */
  static async open(namespace: string, env: NodeJS.ProcessEnv, context?: string): Promise<ConfigMapStore> {
    const client = await import('@kubernetes/client-node');
    let config: KubeConfig;
    try {
      config = loadKubeConfig(client, env);
    } catch (error) {
      const source = env['KUBECONFIG'] ? `KUBECONFIG=${env['KUBECONFIG']}` : env['KUBERNETES_SERVICE_HOST'] ? "the pod's service account" : '~/.kube/config';
      throw new Error(`cannot load the Kubernetes client configuration from ${source}: ${messageOf(error)}`);
    }
    if (context !== undefined) {
      if (!config.getContexts().some((candidate) => candidate.name === context)) {
        throw new Error(`the kubeconfig has no context ${JSON.stringify(context)}; it has ${config.getContexts().map((candidate) => candidate.name).join(', ') || 'none'}`);
      }
      config.setCurrentContext(context);
    }
    return new ConfigMapStore(client, config, namespace);
  }

  /** The ConfigMap, or undefined when it does not exist. */
  async read(name: string): Promise<ConfigMapObject | undefined> {
    try {
      return this.toObject(await this.api.readNamespacedConfigMap({ name, namespace: this.namespace }));
    } catch (error) {
      if (this.isStatus(error, 404)) return undefined;
      throw this.describe(error, `read ConfigMap ${this.namespace}/${name}`);
    }
  }

  /** Replaces the ConfigMap if it is still at `object.resourceVersion`; returns it as stored. */
  async replace(object: ConfigMapObject): Promise<ConfigMapObject> {
    try {
      return this.toObject(await this.api.replaceNamespacedConfigMap({ name: object.name, namespace: this.namespace, body: this.toBody(object) }));
    } catch (error) {
      if (this.isStatus(error, 409)) throw new ConflictError(`ConfigMap ${this.namespace}/${object.name} changed since it was read`);
      throw this.describe(error, `update ConfigMap ${this.namespace}/${object.name}`);
    }
  }

  /** Creates the ConfigMap; ConflictError when one of that name appeared meanwhile. */
  async create(object: Omit<ConfigMapObject, 'resourceVersion'>): Promise<ConfigMapObject> {
    try {
      return this.toObject(await this.api.createNamespacedConfigMap({ namespace: this.namespace, body: this.toBody({ ...object, resourceVersion: '' }) }));
    } catch (error) {
      if (this.isStatus(error, 409)) throw new ConflictError(`ConfigMap ${this.namespace}/${object.name} was created by someone else meanwhile`);
      throw this.describe(error, `create ConfigMap ${this.namespace}/${object.name}`);
    }
  }

  /** Deletes the ConfigMap if it is still at `object.resourceVersion`. */
  async delete(object: ConfigMapObject): Promise<void> {
    try {
      await this.api.deleteNamespacedConfigMap({ name: object.name, namespace: this.namespace, body: { preconditions: { resourceVersion: object.resourceVersion } } });
    } catch (error) {
      if (this.isStatus(error, 409)) throw new ConflictError(`ConfigMap ${this.namespace}/${object.name} changed since it was read`);
      if (this.isStatus(error, 404)) return;
      throw this.describe(error, `delete ConfigMap ${this.namespace}/${object.name}`);
    }
  }

  private toObject(body: V1ConfigMap): ConfigMapObject {
    return {
      name: body.metadata?.name ?? '',
      namespace: body.metadata?.namespace ?? this.namespace,
      resourceVersion: body.metadata?.resourceVersion ?? '',
      data: { ...(body.data ?? {}) },
      annotations: { ...(body.metadata?.annotations ?? {}) },
      labels: { ...(body.metadata?.labels ?? {}) },
    };
  }

  private toBody(object: ConfigMapObject): V1ConfigMap {
    return {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: object.name,
        namespace: this.namespace,
        ...(object.resourceVersion !== '' ? { resourceVersion: object.resourceVersion } : {}),
        ...(Object.keys(object.annotations).length > 0 ? { annotations: object.annotations } : {}),
        ...(Object.keys(object.labels).length > 0 ? { labels: object.labels } : {}),
      },
      data: object.data,
    };
  }

  private isStatus(error: unknown, code: number): boolean {
    return error instanceof this.client.ApiException && error.code === code;
  }

  private describe(error: unknown, action: string): Error {
    if (error instanceof this.client.ApiException) {
      const detail = statusMessage(error.body) ?? `HTTP ${error.code}`;
      if (error.code === 401 || error.code === 403) return new Error(`not allowed to ${action} at ${this.server}: ${detail}`);
      return new Error(`cannot ${action} at ${this.server}: HTTP ${error.code}: ${detail}`);
    }
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return new Error(`cannot ${action}: the Kubernetes API at ${this.server} is unreachable: ${error instanceof Error ? error.message : String(error)}${cause}`);
  }
}
