import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { summarise } from './aggregate.js';
import { regretPlotSpec } from './regret-plot.js';
import { renderSvg } from './render-svg.js';
import type { BenchmarkResults } from './results-file.js';
import { summaryMarkdown } from './summary-table.js';

/**
 * Writes summary.md, summary.json (the regret curves' medians and quartiles per trial, latency and memory per
 * target; infinite regrets, before a first success, as null) and one regret-<problem>.svg per problem into
 * `directory`; returns the files written and the summary's text.
 */
export async function writeReport(results: BenchmarkResults, directory: string): Promise<{ files: string[]; summary: string }> {
  mkdirSync(directory, { recursive: true });
  const summary = summarise(results);
  const written: string[] = [];
  const summaryFile = path.join(directory, 'summary.md');
  const summaryText = summaryMarkdown(summary, results);
  writeFileSync(summaryFile, summaryText);
  const summaryJson = path.join(directory, 'summary.json');
  writeFileSync(summaryJson, `${JSON.stringify(summary)}\n`);
  written.push(summaryFile, summaryJson);
  for (const problem of summary.problems) {
    const file = path.join(directory, `regret-${problem}.svg`);
    writeFileSync(file, await renderSvg(regretPlotSpec(summary, problem, results.settings.seeds.length)));
    written.push(file);
  }
  return { files: written, summary: summaryText };
}

/** What a finished run or report prints, on a terminal or not: the summary's tables, then where the files are. */
export function printReport(report: { files: string[]; summary: string }, resultsFile: string): void {
  process.stdout.write(`${report.summary}\nFiles:\n${[resultsFile, ...report.files].map((file) => `  ${file}`).join('\n')}\n`);
}
