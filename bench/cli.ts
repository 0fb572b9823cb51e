#!/usr/bin/env node
/**
 * The benchmark CLI (npm run bench -- COMMAND ...): runs simulated Katib experiments against suggestion
 * services and Python baselines, times services directly, and writes results, tables and plots.
 */
import { COMPARE_USAGE, compareCommand } from './commands/compare-command.js';
import { LATENCY_USAGE, latencyCommand } from './commands/latency-command.js';
import { LINEAR_ALGEBRA_USAGE, linearAlgebraCommand } from './commands/linear-algebra-command.js';
import { PROBLEMS_USAGE, problemsCommand } from './commands/problems-command.js';
import { REPORT_USAGE, reportCommand } from './commands/report-command.js';
import { RULES_LATENCY_USAGE, rulesLatencyCommand } from './commands/rules-latency-command.js';
import { RUN_USAGE, runCommand } from './commands/run-command.js';
import { messageOf } from '../shared/errors/message-of.js';
import { describeBuild, readBuildInfo } from '../shared/server/build-info.js';

const COMMANDS: Record<string, { usage: string; run: (args: string[]) => Promise<void> | void }> = {
  run: { usage: RUN_USAGE, run: runCommand },
  latency: { usage: LATENCY_USAGE, run: latencyCommand },
  'rules-latency': { usage: RULES_LATENCY_USAGE, run: rulesLatencyCommand },
  report: { usage: REPORT_USAGE, run: reportCommand },
  compare: { usage: COMPARE_USAGE, run: compareCommand },
  problems: { usage: PROBLEMS_USAGE, run: problemsCommand },
  'linear-algebra': { usage: LINEAR_ALGEBRA_USAGE, run: linearAlgebraCommand },
};

function usage(): string {
  return `usage:\nnpm run bench -- --version\n  Prints the version and the source revision of this build.\n\n${Object.values(COMMANDS)
    .map((command) => command.usage)
    .join('\n\n')}`;
}

const [name, ...args] = process.argv.slice(2);
if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
  console.log(usage());
} else if (name === '--version' || name === '-v') {
  console.log(`bench ${describeBuild(readBuildInfo())}`);
} else {
  const command = COMMANDS[name];
  if (command === undefined) {
    console.error(`unknown command "${name}"\n${usage()}`);
    process.exitCode = 2;
  } else {
    try {
      await command.run(args);
    } catch (error) {
      console.error(`bench ${name}: ${messageOf(error)}`);
      process.exitCode = 1;
    }
  }
}
