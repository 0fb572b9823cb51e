import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TrialObject } from '../../services/medianstop/kubernetes/trial-conditions.js';

/** A request the stand-in received. */
export interface RecordedRequest {
  method: string;
  path: string;
  contentType: string | undefined;
  authorization: string | undefined;
  body: unknown;
}

/**
 * A local HTTP server that plays the Kubernetes API for Katib Trials in one namespace: GET of a trial, and PUT or
 * PATCH (JSON merge patch) of its status subresource, with resourceVersion checks like the real API server's.
 * It is reached through a kubeconfig file it writes, exactly as an early-stopping service reaches a cluster: the
 * benchmark's simulated controller keeps its trials here so that SetTrialStatus marks them as in Katib, and the
 * tests watch what a service writes (`requests`, `conflictOnce`).
 */
export interface TrialApiStandIn {
  server: string;
  kubeconfigPath: string;
  namespace: string;
  trials: Map<string, TrialObject>;
  requests: RecordedRequest[];
  /** Answer the next status write with 409 Conflict (after bumping the resourceVersion, as a concurrent writer would). */
  conflictOnce: boolean;
  close(): Promise<void>;
}

const TRIAL_PATH = /^\/apis\/kubeflow\.org\/v1beta1\/namespaces\/([^/]+)\/trials\/([^/]+)(\/status)?$/;

export interface TrialObjectOptions {
  resourceVersion?: string;
  objective?: { type: 'minimize' | 'maximize'; objectiveMetricName: string };
  /** When it was created and started to run (RFC 3339). */
  startTime?: string;
}

/** A running Trial as Katib's trial controller leaves it: conditions Created, then Running. */
export function trialObject(name: string, namespace: string, options: TrialObjectOptions = {}): TrialObject {
  const start = options.startTime ?? '2026-11-20T10:00:00Z';
  return {
    apiVersion: 'kubeflow.org/v1beta1',
    kind: 'Trial',
    metadata: { name, namespace, resourceVersion: options.resourceVersion ?? '1', uid: `uid-${name}` },
    spec: { objective: options.objective ?? { type: 'minimize', objectiveMetricName: 'loss' } },
    status: {
      startTime: start,
      conditions: [
        { type: 'Created', status: 'True', reason: 'TrialCreated', message: 'Trial is created', lastUpdateTime: start, lastTransitionTime: start },
        { type: 'Running', status: 'True', reason: 'TrialRunning', message: 'Trial is running', lastUpdateTime: start, lastTransitionTime: start },
      ],
    },
  };
}

export async function startTrialApiStandIn(namespace: string): Promise<TrialApiStandIn> {
  const folder = mkdtempSync(join(tmpdir(), 'katib-trial-api-'));
  const state = { trials: new Map<string, TrialObject>(), requests: [] as RecordedRequest[], conflictOnce: false };

  const status = (code: number, reason: string, message: string) => ({
    code,
    body: { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, message, code },
  });

  const handle = (request: IncomingMessage, body: unknown): { code: number; body: unknown } => {
    const match = TRIAL_PATH.exec(request.url?.split('?')[0] ?? '');
    if (match === null) return status(404, 'NotFound', `the server could not find the requested resource ${request.url}`);
    const [, requestNamespace, name, statusPath] = match;
    const current = requestNamespace === namespace ? state.trials.get(name!) : undefined;
    if (current === undefined) return status(404, 'NotFound', `trials.kubeflow.org "${name}" not found`);
    if (request.method === 'GET' && statusPath === undefined) return { code: 200, body: current };
    if (statusPath === undefined || (request.method !== 'PUT' && request.method !== 'PATCH')) {
      return status(405, 'MethodNotAllowed', `${request.method} is not supported on ${request.url} by this fake`);
    }
    const version = Number(current.metadata!.resourceVersion);
    if (state.conflictOnce) {
      state.conflictOnce = false;
      state.trials.set(name!, { ...current, metadata: { ...current.metadata, resourceVersion: String(version + 1) } });
      return status(409, 'Conflict', `Operation cannot be fulfilled on trials.kubeflow.org "${name}": the object has been modified`);
    }
    const sent = body as TrialObject;
    const sentVersion = sent.metadata?.resourceVersion;
    if (request.method === 'PUT' && sentVersion !== String(version)) {
      return status(409, 'Conflict', `Operation cannot be fulfilled on trials.kubeflow.org "${name}": resourceVersion ${sentVersion} is not ${version}`);
    }
    if (request.method === 'PATCH' && sentVersion !== undefined && sentVersion !== String(version)) {
      return status(409, 'Conflict', `Operation cannot be fulfilled on trials.kubeflow.org "${name}": resourceVersion ${sentVersion} is not ${version}`);
    }
    // The status subresource changes the status only, whatever else the body holds.
    const newStatus = request.method === 'PUT' ? sent.status : { ...current.status, ...sent.status };
    const updated: TrialObject = { ...current, metadata: { ...current.metadata, resourceVersion: String(version + 1) }, status: newStatus };
    state.trials.set(name!, updated);
    return { code: 200, body: updated };
  };

  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      let body: unknown;
      try {
        body = text === '' ? undefined : JSON.parse(text);
      } catch {
        response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify(status(400, 'BadRequest', 'body is not JSON').body));
        return;
      }
      state.requests.push({ method: request.method ?? '', path: request.url ?? '', contentType: request.headers['content-type'], authorization: request.headers.authorization, body });
      const answer = handle(request, body);
      response.writeHead(answer.code, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kubeconfigPath = join(folder, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig(serverUrl, namespace));
  return Object.assign(state, {
    server: serverUrl,
    kubeconfigPath,
    namespace,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(folder, { recursive: true, force: true });
    },
  });
}

/** A kubeconfig that points client-node at a local stand-in of the API server. */
export function kubeconfig(server: string, namespace: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: ${server}
    # client-node refuses plain http unless TLS verification is explicitly off.
    insecure-skip-tls-verify: true
users:
- name: tester
  user:
    token: test-token
contexts:
- name: fake
  context:
    cluster: fake
    user: tester
    namespace: ${namespace}
current-context: fake
`;
}
