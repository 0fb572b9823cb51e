import path from 'node:path';
import { parseArgs } from 'node:util';
import { mergeResults, readResults, writeResults } from '../report/results-file.js';
import { printReport, writeReport } from '../report/write-report.js';

export const REPORT_USAGE = `npm run bench -- report RESULTS.json... --out DIR
  Merges results files of runs with the same budget and parallelism (e.g. our services and the Python peers,
  run side by side) and writes results.json, summary.md and the regret plots into DIR.`;

export async function reportCommand(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { out: { type: 'string' } }, allowPositionals: true, strict: true });
  if (positionals.length === 0 || values.out === undefined) throw new Error(`usage: ${REPORT_USAGE}`);
  const merged = mergeResults(positionals.map(readResults));
  const resultsFile = path.join(values.out, 'results.json');
  const report = await writeReport(merged, values.out);
  writeResults(resultsFile, merged);
  printReport(report, resultsFile);
}
