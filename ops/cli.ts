#!/usr/bin/env node
/**
 * katib-ts: registers the katib-ts services in a running Katib (and takes them out again), editing Katib's
 * katib-config ConfigMap in place. Reaches the cluster like kubectl: KUBECONFIG, ~/.kube/config, or the pod's
 * service account.
 */
import { messageOf } from '../shared/errors/message-of.js';
import { describeBuild, readBuildInfo } from '../shared/server/build-info.js';
import { ConfigMapStore } from './katib-config/config-map-store.js';
import { chooseRegistrations, KATIB_CONFIG_SOURCE, sourceRegistrations } from './katib-config/registration-entries.js';
import { BACKUP_CONFIG_MAP, KATIB_CONFIG_MAP, register, unregister } from './katib-config/registration.js';

const DEFAULT_NAMESPACE = 'kubeflow';

function usage(): string {
  const registrations = sourceRegistrations();
  const defaultImage = registrations[0]!.entry.image;
  return `usage:
katib-ts register [--algorithms LIST] [--registry REGISTRY] [--tag TAG] [--namespace NS] [--context NAME] [--dry-run]
  Adds the katib-ts services to Katib's ${KATIB_CONFIG_MAP} ConfigMap, or replaces the entries of their algorithms,
  and leaves every other entry, setting and comment as it was. The entries replaced are kept in ConfigMap
  ${BACKUP_CONFIG_MAP} of the same namespace. A write that races with another is retried from a fresh read.
  --algorithms LIST   ${registrations.map((registration) => registration.algorithm).join(', ')} (default: all)
  --registry R        where the images are (default: ${defaultImage.slice(0, defaultImage.lastIndexOf('/'))}, as \`make images\` builds them)
  --tag T             their tag (default: ${defaultImage.slice(defaultImage.lastIndexOf(':') + 1)}, \`make images\`'s VERSION)
  --namespace NS      Katib's namespace (default: ${DEFAULT_NAMESPACE})
  --context NAME      the kubeconfig context to use (default: its current one)
  --dry-run           print the change as a diff and write nothing
  The entries are those of ${KATIB_CONFIG_SOURCE}.

katib-ts unregister [--algorithms LIST] [--namespace NS] [--context NAME] [--dry-run]
  Puts back the entries that register replaced (removes the ones it added), from ConfigMap ${BACKUP_CONFIG_MAP}.
  --algorithms LIST   default: every algorithm katib-ts registered

katib-ts --version`;
}

interface Options {
  algorithms: string[] | 'all';
  registry?: string;
  tag?: string;
  namespace: string;
  context?: string;
  dryRun: boolean;
}

const VALUE_OPTIONS = new Set(['--algorithms', '--registry', '--tag', '--namespace', '-n', '--context']);

function parseOptions(command: string, args: string[]): Options {
  const options: Options = { algorithms: 'all', namespace: DEFAULT_NAMESPACE, dryRun: false };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (name === '--dry-run') {
      options.dryRun = true;
      continue;
    }
    if (!VALUE_OPTIONS.has(name) || (command === 'unregister' && (name === '--registry' || name === '--tag'))) {
      throw new UsageError(`unknown option ${JSON.stringify(arg)} for ${command}`);
    }
    const value = inline ?? args[++index];
    if (value === undefined || value === '') throw new UsageError(`${name} needs a value`);
    if (name === '--algorithms') options.algorithms = value === 'all' ? 'all' : value.split(',').map((part) => part.trim()).filter((part) => part !== '');
    else if (name === '--registry') options.registry = value;
    else if (name === '--tag') options.tag = value;
    else if (name === '--context') options.context = value;
    else options.namespace = value;
  }
  return options;
}

class UsageError extends Error {}

async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    print(usage());
    return 0;
  }
  if (command === '--version' || command === '-v') {
    print(`katib-ts ${describeBuild(readBuildInfo())}`);
    return 0;
  }
  try {
    if (command !== 'register' && command !== 'unregister') throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    if (rest.includes('--help') || rest.includes('-h')) {
      print(usage());
      return 0;
    }
    const options = parseOptions(command, rest);
    const store = await ConfigMapStore.open(options.namespace, process.env, options.context);
    if (command === 'register') {
      const registrations = chooseRegistrations(sourceRegistrations(), options.algorithms, { registry: options.registry, tag: options.tag });
      await register(store, registrations, { dryRun: options.dryRun, print });
    } else {
      await unregister(store, options.algorithms, { dryRun: options.dryRun, print });
    }
    return 0;
  } catch (error) {
    process.stderr.write(`katib-ts ${command}: ${messageOf(error)}\n`);
    if (error instanceof UsageError) process.stderr.write('see katib-ts --help\n');
    return error instanceof UsageError ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
