import { describeBuild, type BuildInfo } from './build-info.js';

/** The environment variables every service reads (shared/server/config.ts), for --help. */
const SHARED_VARIABLES: readonly [string, string][] = [
  ['PORT', 'gRPC port (default: DEFAULT_PORT); 0 picks a free one'],
  ['METRICS_PORT', 'HTTP port of Prometheus /metrics (default 8080); 0 picks a free one'],
  ['BIND_ADDRESS', 'address both listeners bind to (default 0.0.0.0)'],
  ['LOG_LEVEL', 'fatal, error, warn, info (default), debug, trace or silent'],
  ['GRPC_MAX_MESSAGE_BYTES', 'largest request or reply (default 67108864)'],
  ['SHUTDOWN_GRACE_SECONDS', 'how long in-flight calls may run after SIGTERM (default 20)'],
  ['WORKER_THREADS', 'threads running the algorithms (default min(4, CPUs)); 0 runs them on the main thread'],
];

export interface ProgramDescription {
  /** Service name, e.g. "random". */
  name: string;
  /** One sentence: what the service serves. */
  summary: string;
  defaultPort: number;
  /** Variables only this service reads, with their meaning. */
  extraVariables?: readonly [string, string][];
}

/** What the command line asks for: serving (no arguments), or a text to print and an exit code. */
export type CommandLineOutcome = { serve: true } | { serve: false; text: string; exitCode: number; toStderr: boolean };

/**
 * A service is configured by its environment, so its only arguments are --help and --version; anything else is
 * refused rather than ignored, so that a mistyped flag is not mistaken for a setting that took effect.
 */
export function readCommandLine(args: readonly string[], program: ProgramDescription, build: BuildInfo): CommandLineOutcome {
  if (args.length === 0) return { serve: true };
  const [first] = args;
  if (args.length === 1 && (first === '--version' || first === '-v')) {
    return { serve: false, text: `${program.name} ${describeBuild(build)}`, exitCode: 0, toStderr: false };
  }
  if (args.length === 1 && (first === '--help' || first === '-h')) {
    return { serve: false, text: helpText(program, build), exitCode: 0, toStderr: false };
  }
  return {
    serve: false,
    text: `${program.name}: unexpected argument ${JSON.stringify(first)}; a service takes only --help or --version and reads its settings from the environment`,
    exitCode: 2,
    toStderr: true,
  };
}

function helpText(program: ProgramDescription, build: BuildInfo): string {
  const variables = [...SHARED_VARIABLES, ...(program.extraVariables ?? [])].map(
    ([name, meaning]) => `  ${name.padEnd(24)}${meaning.replace('DEFAULT_PORT', String(program.defaultPort))}`,
  );
  return [
    `${program.name} ${describeBuild(build)}: ${program.summary}`,
    '',
    'usage: node <entry point> [--help | --version]',
    '',
    'Settings come from the environment:',
    ...variables,
    '',
    'Serves gRPC health, logs JSON lines on stdout and drains on SIGTERM.',
  ].join('\n');
}
