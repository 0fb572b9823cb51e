import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { regretPlotSpec } from './regret-plot.js';
import { renderSvg } from './render-svg.js';
import type { BenchmarkResults } from './results-file.js';
import { reportMarkdown } from './summary-table.js';
import { earlyStoppingReport } from './early-stopping.js';
import { regretByStepsSpec } from './steps-plot.js';

/**
 * Writes summary.md, summary.json (per schedule: the regret curves' medians and quartiles per trial, latency and
 * memory per target, the paired comparisons; infinite regrets, before a first success, as null) and one regret
 * plot per problem and schedule into `directory` (regret-<problem>.svg for async, the default schedule,
 * regret-<problem>-<schedule>.svg for the others); for learning-curve problems also the early-stopping table
 * (its cells in summary.json too) and steps-<problem>[-<schedule>].svg, regret against the epochs spent; returns
 * the files written and the summary's text.
 */
export async function writeReport(results: BenchmarkResults, directory: string): Promise<{ files: string[]; summary: string }> {
  mkdirSync(directory, { recursive: true });
  const { summaries, text: regretText } = reportMarkdown(results);
  const stopping = earlyStoppingReport(results);
  const text = stopping.text === '' ? regretText : `${regretText}\n${stopping.text}`;
  const written: string[] = [];
  const summaryFile = path.join(directory, 'summary.md');
  writeFileSync(summaryFile, text);
  const summaryJson = path.join(directory, 'summary.json');
  writeFileSync(summaryJson, `${JSON.stringify({ summaries, earlyStopping: stopping.sections.map(({ schedule, cells }) => ({ schedule, cells })) })}\n`);
  written.push(summaryFile, summaryJson);
  for (const summary of summaries) {
    for (const problem of summary.problems) {
      const file = path.join(directory, summary.schedule === 'async' ? `regret-${problem}.svg` : `regret-${problem}-${summary.schedule}.svg`);
      writeFileSync(file, await renderSvg(regretPlotSpec(summary, problem, results.settings.seeds.length)));
      written.push(file);
    }
  }
  for (const { schedule, results: ofSchedule, problems } of stopping.sections) {
    for (const problem of problems) {
      const file = path.join(directory, schedule === 'async' ? `steps-${problem}.svg` : `steps-${problem}-${schedule}.svg`);
      writeFileSync(file, await renderSvg(regretByStepsSpec(ofSchedule, problem)));
      written.push(file);
    }
  }
  return { files: written, summary: text };
}

/** What a finished run or report prints, on a terminal or not: the summary's tables, then where the files are. */
export function printReport(report: { files: string[]; summary: string }, resultsFile: string): void {
  process.stdout.write(`${report.summary}\nFiles:\n${[resultsFile, ...report.files].map((file) => `  ${file}`).join('\n')}\n`);
}
