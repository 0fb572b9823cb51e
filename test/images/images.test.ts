import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startListeningProcess } from '../../shared/process/listening-process.js';
import { repoPath } from '../../shared/repo-root.js';
import {
  ALGORITHMS_OF,
  EARLY_STOPPING_SERVICES,
  getEarlyStoppingRules,
  getSuggestions,
  healthNamesOf,
  healthStatus,
  smokeEarlyStoppingRequest,
  smokeSuggestionsRequest,
  startFakeDbManager,
  terminate,
  TEST_GRACE_SECONDS,
  waitForServing,
  type FakeDbManager,
} from '../deploy/support/service-smoke.js';

// Starts every image that test/images/run.sh built, inside the image, with buildah's chroot isolation (which
// shares the host's network): as the image's numeric non-root user, on a read-only root file system, with test
// ports. Checks health, one real call, SIGTERM -> exit 0, and that the run wrote nothing into the image.
// Only run.sh provides what this needs (root, buildah, built images); anywhere else the suite says so and skips.

interface BuiltImage {
  service: string;
  image: string;
  buildSeconds: number;
}

interface OciConfig {
  User?: string;
  Entrypoint?: string[];
  Cmd?: string[];
  Env?: string[];
  WorkingDir?: string;
  ExposedPorts?: Record<string, object>;
}

const manifestPath = process.env['IMAGE_TEST_MANIFEST'];
const reportPath = process.env['IMAGE_TEST_REPORT'];

/** The user every image runs as (the Dockerfile's USER). */
const IMAGE_USER = '65532:65532';

function buildah(args: string[]): string {
  return execFileSync('buildah', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** The mount of `path` as /proc/mounts lists it (the container's overlay). */
function mountOf(path: string, mountsFile = '/proc/mounts'): { options: string[] } | undefined {
  for (const line of readFileSync(mountsFile, 'utf8').split('\n')) {
    const fields = line.split(' ');
    if (fields[1] === path) return { options: (fields[3] ?? '').split(',') };
  }
  return undefined;
}

/** Options of the root mount as a process sees it (/proc/<pid>/mountinfo: per-mount options, field 6). */
function rootMountOptions(pid: number): string[] {
  for (const line of readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n')) {
    const fields = line.split(' ');
    if (fields[4] === '/') return (fields[5] ?? '').split(',');
  }
  throw new Error(`no root mount in /proc/${pid}/mountinfo`);
}

/** Every path under `folder`, relative to it, directories with a trailing slash. */
function listTree(folder: string): string[] {
  const found: string[] = [];
  const walk = (current: string) => {
    for (const name of readdirSync(current)) {
      const path = join(current, name);
      const isDirectory = statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
      found.push(relative(folder, path) + (isDirectory ? '/' : ''));
      if (isDirectory) walk(path);
    }
  };
  walk(folder);
  return found.sort();
}

/** Files buildah itself creates in a container's root as mount points when it runs a command there. */
const BUILDAH_MOUNT_POINTS = ['dev/', 'etc/', 'etc/hostname', 'etc/hosts', 'etc/resolv.conf', 'proc/', 'run/', 'run/.containerenv', 'sys/'];

if (manifestPath === undefined) {
  test('service images', { skip: 'run by test/images/run.sh, which needs root and buildah (npm script test:images)' }, () => {});
} else {
  const images = JSON.parse(readFileSync(manifestPath, 'utf8')) as BuiltImage[];
  const report: Record<string, unknown>[] = [];
  after(() => {
    if (reportPath === undefined) return;
    mkdirSync(dirname(reportPath), { recursive: true });
    writeFileSync(reportPath, JSON.stringify(report, null, 2) + '\n');
  });

  test('run.sh built at least one image', () => assert.ok(images.length > 0));

  for (const built of images) {
    describe(`${built.service} image`, () => {
      let config: OciConfig = {};
      let sizeBytes = 0;
      let layerBytes: number[] = [];
      let container = '';
      let mountPoint = '';
      let dbManager: FakeDbManager | undefined;

      before(async () => {
        const inspected = JSON.parse(buildah(['inspect', '--type', 'image', built.image])) as { OCIv1: { config: OciConfig }; Manifest: string };
        config = inspected.OCIv1.config;
        // The image's size: its layers as uncompressed tar files, as the manifest records them.
        layerBytes = (JSON.parse(inspected.Manifest) as { layers: { size: number }[] }).layers.map((layer) => layer.size);
        sizeBytes = layerBytes.reduce((sum, size) => sum + size, 0);
        container = buildah(['from', '--pull-never', '--quiet', built.image]);
        mountPoint = buildah(['mount', container]);
        if (EARLY_STOPPING_SERVICES.has(built.service)) dbManager = await startFakeDbManager();
      });
      after(async () => {
        await dbManager?.close();
        if (container !== '') {
          if (mountPoint !== '') execFileSync('mount', ['-o', 'remount,rw', mountPoint]);
          buildah(['rm', container]);
        }
      });

      test('runs node directly as a numeric non-root user, on the service port', () => {
        assert.equal(config.User, IMAGE_USER);
        assert.deepEqual(config.Entrypoint?.slice(0, 1), ['node'], 'exec-form ENTRYPOINT: SIGTERM goes to node itself');
        const port = EARLY_STOPPING_SERVICES.has(built.service) ? '6788/tcp' : '6789/tcp';
        assert.ok(config.ExposedPorts && port in config.ExposedPorts, `EXPOSE ${port}: ${JSON.stringify(config.ExposedPorts)}`);
      });

      test('holds no shell, package manager or npm', () => {
        for (const path of ['bin/sh', 'bin/bash', 'usr/bin/apt-get', 'usr/bin/dpkg', 'usr/local/bin/npm', 'usr/local/lib/node_modules']) {
          assert.equal(existsSync(join(mountPoint, path)), false, `/${path} is in the image`);
        }
        assert.ok(existsSync(join(mountPoint, 'usr/local/bin/node')));
      });

      test('starts read-only, serves, answers a real call, and exits 0 on SIGTERM having written nothing', async () => {
        // buildah creates these mount points on each run; made now, while the root is writable, so that
        // the run itself can start on a read-only root.
        for (const folder of ['dev', 'etc', 'proc', 'run', 'sys']) mkdirSync(join(mountPoint, folder), { recursive: true });
        for (const file of ['etc/hostname', 'etc/hosts', 'etc/resolv.conf', 'run/.containerenv']) writeFileSync(join(mountPoint, file), '', { flag: 'a' });
        const upperDir = mountOf(mountPoint)?.options.find((option) => option.startsWith('upperdir='))?.slice('upperdir='.length);
        assert.ok(upperDir, `no overlay upper directory for ${mountPoint}`);
        assert.deepEqual(listTree(upperDir), BUILDAH_MOUNT_POINTS, 'a new container has nothing in its upper layer but these');
        execFileSync('mount', ['-o', 'remount,ro', mountPoint]);

        const env = ['PORT=0', 'METRICS_PORT=0', 'BIND_ADDRESS=127.0.0.1', `SHUTDOWN_GRACE_SECONDS=${TEST_GRACE_SECONDS}`, 'NAMESPACE=katib-ts-test'];
        const argv = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
        const args = ['run', '--isolation', 'chroot', '--network', 'host', '--user', config.User ?? IMAGE_USER];
        for (const entry of env) args.push('--env', entry);
        if (config.WorkingDir) args.push('--workingdir', config.WorkingDir);
        const spawnedAt = Date.now();
        const started = startListeningProcess('buildah', [...args, container, '--', ...argv], {}, { listenTimeoutMs: 60_000 });
        try {
          const listening = await started.listening;
          const address = `127.0.0.1:${listening['port'] as number}`;
          const servingAt = await waitForServing(address, healthNamesOf(built.service)[1]!, 30_000);
          // Without a PID namespace the pid node logs is its pid on this host.
          const pid = listening['pid'] as number;
          // The image has no .git: the revision is the one `make` baked in (deploy/image/write-revision.mjs).
          assert.equal(listening['version'], (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version);
          assert.match(String(listening['revision']), /^[0-9a-f]{12}(-dirty)?$/, 'the listening line names the git revision the image was built from');
          assert.match(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), /node\0\/app\/dist\/main\.js/);
          assert.match(readFileSync(`/proc/${pid}/status`, 'utf8'), /^Uid:\s+65532\s+65532\s+65532\s+65532$/m, 'runs as 65532');
          assert.ok(rootMountOptions(pid).includes('ro'), `node's root is not read-only: ${rootMountOptions(pid).join(',')}`);

          for (const name of healthNamesOf(built.service)) {
            assert.equal(await healthStatus(address, name), 'SERVING', `health of ${JSON.stringify(name)}`);
          }
          const calledAt = Date.now();
          if (dbManager !== undefined) {
            const reply = await getEarlyStoppingRules(address, smokeEarlyStoppingRequest(dbManager.address));
            assert.equal(reply.early_stopping_rules.length, 1);
            assert.equal(dbManager.requests.length, 3, 'one observation log read per succeeded trial');
          } else {
            for (const algorithm of ALGORITHMS_OF[built.service] ?? [built.service]) {
              const reply = await getSuggestions(address, smokeSuggestionsRequest(algorithm, 2));
              assert.equal(reply.parameter_assignments.length, 2, `${algorithm}: exactly the requested number of assignments`);
            }
          }
          const firstCallMs = Date.now() - calledAt;
          const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];

          // buildah 1.28 cleans up after the command by writing into the root, and crashes when it cannot;
          // node keeps the read-only view it started with (its bind mount has its own ro flag), checked below.
          execFileSync('mount', ['-o', 'remount,rw', mountPoint]);
          assert.ok(rootMountOptions(pid).includes('ro'), 'node still sees a read-only root');
          const ended = await terminate(pid, started.exited);
          assert.deepEqual(ended, { code: 0, signal: null }, `buildah run reports node's exit status; output: ${started.output()}`);
          assert.ok(started.logs.some((entry) => entry['msg'] === 'draining' || entry['msg'] === 'stopped'), 'the drain is logged');
          // buildah removes some of its mount points again; anything else in the upper layer was written by the run.
          assert.deepEqual(listTree(upperDir).filter((path) => !BUILDAH_MOUNT_POINTS.includes(path)), [], 'the service wrote into the image');

          report.push({
            service: built.service,
            image: built.image,
            sizeBytes,
            sizeMB: Math.round(sizeBytes / 1e5) / 10,
            // In Dockerfile order: node and its libraries, node_modules, package.json, dist, proto.
            layerMB: layerBytes.map((size) => Math.round(size / 1e4) / 100),
            buildSeconds: built.buildSeconds,
            startToServingMs: servingAt - spawnedAt,
            firstCallMs,
            rssKiB: rss === undefined ? undefined : Number(rss),
          });
        } finally {
          started.child.kill('SIGKILL');
        }
      });
    });
  }
}
