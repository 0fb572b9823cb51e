#!/usr/bin/env node
// Assembles what one service's image carries, from a compiled tree: the JavaScript files that the service's
// entry point reaches through static imports, a fixed entry module, and a package.json whose dependencies are
// only the packages that those files import. The Dockerfile runs it in its build stage; test/deploy runs the
// same code on the host's dist/ so that the test starts what the image would start.
//
// Plain JavaScript on purpose: it runs before (and apart from) the TypeScript build it inspects.
//
//   node deploy/image/service-closure.mjs tsconfig <service>
//       prints a tsconfig that compiles services/<service>/ and, through its imports, the shared code it uses
//   node deploy/image/service-closure.mjs collect --root <dir> --service <service> --out <dir>
//       copies <root>/dist closure files to <out>/dist, writes <out>/dist/main.js and <out>/package.json

import { builtinModules } from 'node:module';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { pathToFileURL } from 'node:url';

/** The module every image starts: it imports the service's own main, so one ENTRYPOINT fits all images. */
export const ENTRY_MODULE = 'dist/main.js';

const SERVICE_NAME = /^[a-z][a-z0-9-]*$/;

// Static import and re-export forms as tsc emits them, import() with a literal specifier, and a module's own
// files named by new URL('./file.js', import.meta.url) (a service's worker entry, which its main.js starts).
const IMPORT_PATTERNS = [
  /\bimport\s+(?:[\w*{}\s,$]+?\s+from\s+)?['"]([^'"]+)['"]/g,
  /\bexport\s+(?:\*(?:\s+as\s+[\w$]+)?|\{[^}]*\})\s+from\s+['"]([^'"]+)['"]/g,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
  /\bnew\s+URL\(\s*['"](\.{1,2}\/[^'"]+\.js)['"]\s*,\s*import\.meta\.url\s*\)/g,
];

export function checkServiceName(service) {
  if (typeof service !== 'string' || !SERVICE_NAME.test(service)) {
    throw new Error(`service name ${JSON.stringify(service)} is invalid; expected a folder name under services/ such as "random"`);
  }
}

/** A tsconfig extending the project's, limited to one service (the compiler follows its imports into shared/). */
export function serviceTsconfig(service) {
  checkServiceName(service);
  return {
    extends: './tsconfig.json',
    compilerOptions: { sourceMap: false, declaration: false },
    include: [`services/${service}/**/*.ts`],
  };
}

function specifiersOf(source) {
  const found = new Set();
  for (const pattern of IMPORT_PATTERNS) {
    for (const match of source.matchAll(pattern)) found.add(match[1]);
  }
  return found;
}

/** "@scope/name/sub" -> "@scope/name", "name/sub" -> "name". */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const BUILTINS = new Set(builtinModules);

/**
 * Walks the static import graph from dist/services/<service>/main.js (worker entries included).
 * Returns the files reached (relative to root) and the npm packages they import.
 */
export function serviceClosure(root, service) {
  checkServiceName(service);
  const entry = resolve(root, 'dist', 'services', service, 'main.js');
  if (!existsSync(entry)) {
    throw new Error(`${relative(root, entry)} does not exist: is services/${service}/main.ts compiled?`);
  }
  const files = new Set();
  const packages = new Set();
  const pending = [entry];
  while (pending.length > 0) {
    const file = pending.pop();
    if (files.has(file)) continue;
    files.add(file);
    for (const specifier of specifiersOf(readFileSync(file, 'utf8'))) {
      if (specifier.startsWith('.') || specifier.startsWith('/')) {
        const target = resolve(dirname(file), specifier);
        if (!existsSync(target)) {
          throw new Error(`${relative(root, file)} imports ${specifier}, which is not in the compiled tree`);
        }
        pending.push(target);
      } else if (!specifier.startsWith('node:') && !BUILTINS.has(specifier)) {
        packages.add(packageName(specifier));
      }
    }
  }
  return { files: [...files].map((file) => relative(root, file)).sort(), packages: [...packages].sort() };
}

/** The project's package.json reduced to what the image runs: its module type and the packages used. */
export function imagePackageJson(projectPackage, packages) {
  const declared = projectPackage.dependencies ?? {};
  const dependencies = {};
  for (const name of packages) {
    if (declared[name] === undefined) {
      throw new Error(`the service imports ${name}, which is not a production dependency in package.json`);
    }
    dependencies[name] = declared[name];
  }
  return {
    name: projectPackage.name,
    version: projectPackage.version,
    private: true,
    type: projectPackage.type,
    engines: projectPackage.engines,
    dependencies,
  };
}

export function entryModuleSource(service) {
  checkServiceName(service);
  return `// The image's entry point: the ${service} service. Its worker threads start services/${service}/worker.js.\n` +
    `import './services/${service}/main.js';\n`;
}

export function collect(root, service, out) {
  const { files, packages } = serviceClosure(root, service);
  for (const file of files) {
    const target = join(out, file);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(join(root, file), target);
  }
  writeFileSync(join(out, ENTRY_MODULE.split('/').join(sep)), entryModuleSource(service));
  const projectPackage = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  writeFileSync(join(out, 'package.json'), JSON.stringify(imagePackageJson(projectPackage, packages), null, 2) + '\n');
  return { files, packages };
}

function option(args, name) {
  const index = args.indexOf(name);
  if (index < 0 || index + 1 >= args.length) throw new Error(`missing ${name} <value>`);
  return args[index + 1];
}

function main(args) {
  const [command, ...rest] = args;
  if (command === 'tsconfig') {
    process.stdout.write(JSON.stringify(serviceTsconfig(rest[0]), null, 2) + '\n');
  } else if (command === 'collect') {
    const { files, packages } = collect(resolve(option(rest, '--root')), option(rest, '--service'), resolve(option(rest, '--out')));
    process.stderr.write(`collected ${files.length} files; packages: ${packages.join(', ') || '(none)'}\n`);
  } else {
    throw new Error('usage: service-closure.mjs tsconfig <service> | collect --root <dir> --service <name> --out <dir>');
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  try {
    main(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`service-closure: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
