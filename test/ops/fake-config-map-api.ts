import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kubeconfig } from '../../bench/katib/trial-api-stand-in.js';

/** A ConfigMap as the stand-in stores it. */
export interface StoredConfigMap {
  apiVersion: 'v1';
  kind: 'ConfigMap';
  metadata: { name: string; namespace: string; resourceVersion: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  data?: Record<string, string>;
}

/**
 * A local HTTP server playing the Kubernetes API for ConfigMaps: GET, POST (create), PUT (replace) and DELETE,
 * with the API server's optimistic concurrency (a PUT or a DELETE precondition with an old resourceVersion is 409
 * Conflict, a POST of an existing name is 409 AlreadyExists). Reached through a kubeconfig file it writes.
 */
export interface FakeConfigMapApi {
  kubeconfigPath: string;
  configMaps: Map<string, StoredConfigMap>;
  /** Every request, as "METHOD path". */
  requests: string[];
  /**
   * Called before a PUT of the named ConfigMap is handled: a concurrent writer's change goes here. The change
   * bumps the resourceVersion, so the PUT being handled (read before it) gets 409.
   */
  beforePut?: (name: string) => void;
  /** Stores `data` as a write by someone else would: a new resourceVersion. */
  put(namespace: string, name: string, data: Record<string, string>): void;
  close(): Promise<void>;
}

const CONFIG_MAPS = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps(?:\/([^/]+))?$/;

export async function startFakeConfigMapApi(namespace: string): Promise<FakeConfigMapApi> {
  const folder = mkdtempSync(join(tmpdir(), 'katib-ts-configmaps-'));
  let version = 100;
  const configMaps = new Map<string, StoredConfigMap>();
  const key = (ns: string, name: string) => `${ns}/${name}`;
  const store = (ns: string, name: string, data: Record<string, string>, extra: Partial<StoredConfigMap['metadata']> = {}): StoredConfigMap => {
    const object: StoredConfigMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { ...extra, name, namespace: ns, resourceVersion: String(++version) }, data };
    configMaps.set(key(ns, name), object);
    return object;
  };
  const status = (code: number, reason: string, message: string) => ({ code, body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code } });

  const api: Omit<FakeConfigMapApi, 'kubeconfigPath' | 'close'> = {
    configMaps,
    requests: [],
    put: (ns, name, data) => void store(ns, name, data, configMaps.get(key(ns, name))?.metadata),
  };

  const handle = (request: IncomingMessage, body: StoredConfigMap | undefined): { code: number; body: unknown } => {
    const match = CONFIG_MAPS.exec(request.url?.split('?')[0] ?? '');
    if (match === null) return status(404, 'NotFound', `the server could not find the requested resource ${request.url}`);
    const [, ns, name] = match as unknown as [string, string, string | undefined];
    if (request.method === 'POST' && name === undefined) {
      const wanted = body!.metadata.name;
      if (configMaps.has(key(ns, wanted))) return status(409, 'AlreadyExists', `configmaps "${wanted}" already exists`);
      return { code: 201, body: store(ns, wanted, body!.data ?? {}, { annotations: body!.metadata.annotations, labels: body!.metadata.labels }) };
    }
    if (name === undefined) return status(405, 'MethodNotAllowed', `${request.method} on a collection is not supported by this stand-in`);
    if (request.method === 'PUT') api.beforePut?.(name);
    const current = configMaps.get(key(ns, name));
    if (current === undefined) return status(404, 'NotFound', `configmaps "${name}" not found`);
    switch (request.method) {
      case 'GET':
        return { code: 200, body: current };
      case 'PUT': {
        const sent = body!.metadata.resourceVersion;
        if (sent !== current.metadata.resourceVersion) {
          return status(409, 'Conflict', `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`);
        }
        return { code: 200, body: store(ns, name, body!.data ?? {}, { annotations: body!.metadata.annotations, labels: body!.metadata.labels }) };
      }
      case 'DELETE': {
        const precondition = (body as unknown as { preconditions?: { resourceVersion?: string } } | undefined)?.preconditions?.resourceVersion;
        if (precondition !== undefined && precondition !== current.metadata.resourceVersion) {
          return status(409, 'Conflict', `Precondition failed: resourceVersion ${precondition} is not ${current.metadata.resourceVersion}`);
        }
        configMaps.delete(key(ns, name));
        return { code: 200, body: { kind: 'Status', apiVersion: 'v1', status: 'Success' } };
      }
      default:
        return status(405, 'MethodNotAllowed', `${request.method} is not supported by this stand-in`);
    }
  };

  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      api.requests.push(`${request.method} ${request.url?.split('?')[0]}`);
      const answer = handle(request, text === '' ? undefined : (JSON.parse(text) as StoredConfigMap));
      response.writeHead(answer.code, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kubeconfigPath = join(folder, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, namespace));
  return Object.assign(api, {
    kubeconfigPath,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(folder, { recursive: true, force: true });
    },
  });
}
