import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../shared/repo-root.js';

/**
 * Builds, outside any container, the /app folder that the Dockerfile puts into a service's image: the same
 * closure of compiled files (by the same helper), proto/, the reduced package.json and production dependencies
 * pruned the same way. Also reads the Dockerfile's final stage for what the image starts.
 */

export interface ImageStart {
  /** ENTRYPOINT followed by CMD, exec form. */
  argv: string[];
  workdir: string;
  /** ENV of the final stage, with build arguments replaced by the values `buildArgs` gives. */
  env: Record<string, string>;
  user: string;
}

/** The services with an entry point in the source tree and a compiled one in dist/. */
export function builtServices(): string[] {
  return readdirSync(join(REPO_ROOT, 'services'))
    .filter((name) => existsSync(join(REPO_ROOT, 'services', name, 'main.ts')))
    .filter((name) => existsSync(join(REPO_ROOT, 'dist', 'services', name, 'main.js')))
    .sort();
}

/** The Makefile's table: `make list-images` prints "<service> <image> <port> <metrics port>". */
export function makeImageTable(): Map<string, { image: string; port: number; metricsPort: number }> {
  const text = execFileSync('make', ['-s', '--no-print-directory', 'list-images'], { cwd: REPO_ROOT, encoding: 'utf8' });
  const table = new Map<string, { image: string; port: number; metricsPort: number }>();
  for (const line of text.trim().split('\n')) {
    const [service, image, port, metricsPort] = line.trim().split(/\s+/);
    table.set(service!, { image: image!, port: Number(port), metricsPort: Number(metricsPort) });
  }
  return table;
}

/** Instructions of the Dockerfile's last stage (after its last FROM), continuation lines joined. */
export function finalStageInstructions(dockerfile = readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8')): string[] {
  const instructions = dockerfile
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const lastFrom = instructions.map((line) => /^FROM\s/i.test(line)).lastIndexOf(true);
  return instructions.slice(lastFrom);
}

export function imageStart(buildArgs: Record<string, string>): ImageStart {
  const stage = finalStageInstructions();
  const args: Record<string, string> = {};
  const env: Record<string, string> = {};
  let argv: string[] = [];
  let workdir = '/';
  let user = '';
  const expand = (text: string) => text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string, b: string) => args[a ?? b] ?? env[a ?? b] ?? '');
  for (const line of stage) {
    const [keyword, ...restWords] = line.split(/\s+/);
    const rest = line.slice(keyword!.length).trim();
    switch (keyword!.toUpperCase()) {
      case 'ARG': {
        const [name, fallback] = rest.split('=');
        args[name!] = buildArgs[name!] ?? fallback ?? '';
        break;
      }
      case 'ENV':
        for (const pair of rest.match(/\S+=\S+/g) ?? []) {
          const index = pair.indexOf('=');
          env[pair.slice(0, index)] = expand(pair.slice(index + 1));
        }
        break;
      case 'WORKDIR':
        workdir = expand(rest);
        break;
      case 'USER':
        user = expand(rest);
        break;
      case 'ENTRYPOINT':
        argv = JSON.parse(rest) as string[];
        break;
      case 'CMD':
        argv = [...argv, ...(JSON.parse(rest) as string[])];
        break;
      default:
        void restWords;
    }
  }
  return { argv, workdir, env, user };
}

/** A folder in the temp directory, filled by `fill` once per key and reused by later runs. */
function cachedFolder(name: string, key: Buffer[], fill: (folder: string) => void): string {
  const hash = createHash('sha256');
  for (const part of key) hash.update(part);
  const folder = join(tmpdir(), `${name}-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(join(folder, '.complete'))) return folder;
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  fill(folder);
  writeFileSync(join(folder, '.complete'), '');
  return folder;
}

/**
 * node_modules as the Dockerfile's deps stage leaves it for this reduced package.json: `npm ci --omit=dev` of
 * the repository's lock file, `npm prune` to the packages listed, type declarations and source maps deleted.
 * Cached per lock file and package set, since most services share one.
 */
function productionModules(imagePackageJson: Buffer): string {
  const lock = readFileSync(join(REPO_ROOT, 'package-lock.json'));
  const manifest = readFileSync(join(REPO_ROOT, 'package.json'));
  const full = cachedFolder('katib-ts-production-install', [lock, manifest], (folder) => {
    writeFileSync(join(folder, 'package.json'), manifest);
    writeFileSync(join(folder, 'package-lock.json'), lock);
    execFileSync('npm', ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: folder, stdio: 'pipe' });
  });
  const pruned = cachedFolder('katib-ts-image-modules', [lock, manifest, imagePackageJson], (folder) => {
    // Hard links: the full install stays intact while prune unlinks what this package set does not use.
    execFileSync('cp', ['-al', join(full, 'node_modules'), join(folder, 'node_modules')]);
    // npm rewrites its hidden lock file in place, which would change the shared inode: unlink it instead, and
    // prune then reads the installed tree from disk.
    rmSync(join(folder, 'node_modules', '.package-lock.json'), { force: true });
    writeFileSync(join(folder, 'package.json'), imagePackageJson);
    writeFileSync(join(folder, 'package-lock.json'), lock);
    execFileSync('npm', ['prune', '--omit=dev', '--ignore-scripts', '--offline', '--no-audit', '--no-fund'], { cwd: folder, stdio: 'pipe' });
    execFileSync('find', [
      join(folder, 'node_modules'), '-type', 'f', '(', '-name', '*.d.ts', '-o', '-name', '*.d.mts', '-o', '-name', '*.d.cts', '-o', '-name', '*.map', ')', '-delete',
    ]);
  });
  return join(pruned, 'node_modules');
}

/**
 * /app of `service`'s image, assembled under a new temporary folder (the caller removes `root`): the Dockerfile's
 * build stage (the same collect helper) and deps stage (productionModules, linked in rather than copied).
 */
export function assembleImageApp(service: string): { root: string; app: string } {
  const root = join(tmpdir(), `katib-ts-image-app-${service}-${process.pid}-${Date.now()}`);
  const app = join(root, 'app');
  mkdirSync(app, { recursive: true });
  execFileSync(process.execPath, [join(REPO_ROOT, 'deploy/image/service-closure.mjs'), 'collect', '--root', REPO_ROOT, '--service', service, '--out', app], {
    stdio: 'pipe',
  });
  cpSync(join(REPO_ROOT, 'proto'), join(app, 'proto'), { recursive: true });
  symlinkSync(productionModules(readFileSync(join(app, 'package.json'))), join(app, 'node_modules'));
  return { root, app };
}
