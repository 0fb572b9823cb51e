import { spawnSync } from 'node:child_process';
import { REPO_ROOT } from '../support/repo-paths.js';

/**
 * Why the Kubernetes client library cannot be loaded here, or undefined when it can. @kubernetes/client-node 2.x
 * depends on undici 8, which needs Node.js >= 22.19; on an older Node.js the Kubernetes tests are skipped, saying
 * so, instead of failing for a reason that is not the service's. The probe runs in a child process because a
 * failed import also leaves an unhandled rejection behind in the process that tried it.
 */
export function kubernetesClientUnavailable(): string | undefined {
  const probe = spawnSync(process.execPath, ['--input-type=module', '--eval', "await import('@kubernetes/client-node')"], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  if (probe.status === 0) return undefined;
  const reason = probe.stderr.split('\n').find((line) => /Error/.test(line)) ?? `exit code ${probe.status}`;
  return `@kubernetes/client-node cannot be loaded on Node.js ${process.version}: ${reason.trim()}`;
}
