import { schedulesOf, type BenchmarkResults } from './results-file.js';
import { summarise, type CellSummary, type Summary } from './aggregate.js';
import { SIGNIFICANCE_LEVEL } from '../measures/paired-test.js';
import type { Schedule } from '../controller/simulated-controller.js';
import { formatMiB, formatNumber } from './number-format.js';
import { randomStartupNotes } from './random-startup.js';

/** What each schedule means, for the headings of a report that has several. */
const SCHEDULE_TITLES: Record<Schedule, (parallel: number) => string> = {
  async: (parallel) => `async: ${parallel} trials in parallel, each of its own duration, so they finish one at a time`,
  sync: (parallel) => `sync: batches of ${parallel} trials that finish together before the next request`,
  serial: () => 'serial: one trial at a time',
};

/**
 * The whole report: one summary per schedule the results hold (summaryMarkdown), under a heading per schedule
 * when there are several.
 */
export function reportMarkdown(results: BenchmarkResults): { summaries: Summary[]; text: string } {
  const schedules = schedulesOf(results);
  const summaries = schedules.map((schedule) => summarise(results, schedule));
  if (summaries.length === 1) return { summaries, text: summaryMarkdown(summaries[0]!, results) };
  const text = summaries.map((summary) => `## Schedule ${SCHEDULE_TITLES[summary.schedule](summary.parallel)}\n\n${summaryMarkdown(summary, results)}`).join('\n');
  return { summaries, text };
}

/**
 * The markdown summary: final regret per algorithm and problem (median over seeds, quartiles in brackets, the
 * best median of each problem in bold, mean rank over problems), then each target's duplicates, latency and memory.
 */
export function summaryMarkdown(summary: Summary, results: BenchmarkResults): string {
  const lines: string[] = [];
  const seeds = results.settings.seeds.length;
  lines.push(
    `Regret of the best value after ${summary.budget} trials (${summary.schedule} schedule, ${summary.parallel} in parallel): median over ${seeds} seeds, ` +
      '[first quartile, third quartile]; lower is better, the best median of each problem in bold. ' +
      'Mean rank: the average over problems of the rank of the median (1 = best), for algorithms that ran every problem.',
    '',
  );
  const ranks = meanRanks(summary);
  lines.push(`| algorithm | ${summary.problems.join(' | ')} | mean rank |`);
  lines.push(`|---|${summary.problems.map(() => '---|').join('')}---|`);
  for (const target of summary.targets) {
    const cells = summary.problems.map((problem) => {
      const cell = find(summary, target, problem);
      if (cell === undefined || cell.trials === 0) return 'not run';
      const median = formatNumber(cell.finalRegret.median);
      const best = isBest(summary, cell) ? `**${median}**` : median;
      return `${best} [${formatNumber(cell.finalRegret.q1)}, ${formatNumber(cell.finalRegret.q3)}]`;
    });
    lines.push(`| ${target} | ${cells.join(' | ')} | ${ranks.get(target)?.toFixed(1) ?? '—'} |`);
  }
  lines.push(...comparisonTable(summary));
  lines.push(
    '',
    'Per target: trials run, assignments that repeat an earlier trial of the experiment, GetSuggestions (or, for a ' +
      'Python peer, ask) latency over all calls, the peak RSS of the process that made the suggestions, and experiments ' +
      'that stopped early.',
    '',
    '| algorithm | kind | trials | duplicate assignments | invalid assignments | latency p50 ms | latency p95 ms | peak RSS MiB | stopped early |',
    '|---|---|---|---|---|---|---|---|---|',
  );
  for (const row of summary.byTarget) {
    lines.push(
      `| ${row.target} | ${row.kind} | ${row.trials} | ${row.duplicates} | ${row.invalidAssignments} | ${formatNumber(row.latencyP50Ms)} | ` +
        `${formatNumber(row.latencyP95Ms)} | ${formatMiB(row.peakRssKib)} | ${row.failedRuns} |`,
    );
  }
  const divergingProblems = summary.problems.filter((problem) => summary.cells.some((cell) => cell.problem === problem && cell.diverged > 0));
  if (divergingProblems.length > 0) {
    lines.push(
      '',
      'Trials whose training diverged (the objective reported inf or nan), as a share of all trials: the budget spent in a ' +
        "problem's diverging region.",
      '',
      `| algorithm | ${divergingProblems.join(' | ')} |`,
      `|---|${divergingProblems.map(() => '---|').join('')}`,
    );
    for (const target of summary.targets) {
      const cells = divergingProblems.map((problem) => {
        const cell = find(summary, target, problem);
        return cell === undefined || cell.trials === 0 ? 'not run' : `${Math.round((100 * cell.diverged) / cell.trials)}% (${cell.diverged} of ${cell.trials})`;
      });
      lines.push(`| ${target} | ${cells.join(' | ')} |`);
    }
  }
  const failures = summary.cells.filter((cell) => cell.firstError !== undefined);
  const startupNotes = randomStartupNotes(results);
  if (failures.length > 0 || results.unavailable.length > 0 || startupNotes.length > 0) lines.push('', 'Notes:', '');
  for (const note of startupNotes) lines.push(`- ${note}`);
  for (const cell of failures) {
    lines.push(`- ${cell.target} on ${cell.problem}: ${cell.failedRuns} of ${cell.seeds} runs stopped early; first error: ${oneLine(cell.firstError!)}`);
  }
  for (const entry of results.unavailable) lines.push(`- ${entry.target} did not run: ${oneLine(entry.reason)}`);
  return `${lines.join('\n')}\n`;
}

/** The paired comparisons (aggregate.ts), one row per pair of targets, one column per problem. */
function comparisonTable(summary: Summary): string[] {
  if (summary.comparisons.length === 0) return [];
  const level = `${100 * SIGNIFICANCE_LEVEL}%`;
  const lines = [
    '',
    'Paired comparisons: each of our services against each other target, problem by problem, over the seeds both ran ' +
      '(a seed gives both the same problem and the same trial durations). A cell is the seeds where ours ended with the ' +
      'lower, the same and the higher final regret, and the exact two-sided sign test\'s p-value (equal regrets left out ' +
      `of the test): **ahead** or **behind** where p < ${SIGNIFICANCE_LEVEL}, tied otherwise (no difference shown at ${level}).`,
    '',
    `| ours | against | ${summary.problems.join(' | ')} |`,
    `|---|---|${summary.problems.map(() => '---|').join('')}`,
  ];
  const pairs = [...new Map(summary.comparisons.map((entry) => [`${entry.ours}\u0000${entry.other}`, entry])).values()];
  for (const { ours, other } of pairs) {
    const cells = summary.problems.map((problem) => {
      const entry = summary.comparisons.find((candidate) => candidate.ours === ours && candidate.other === other && candidate.problem === problem);
      if (entry === undefined) return '—';
      const verdict = entry.verdict === 'tied' ? 'tied' : `**${entry.verdict}**`;
      return `${verdict} ${entry.wins}-${entry.ties}-${entry.losses}, p ${formatPValue(entry.pValue)}`;
    });
    lines.push(`| ${ours} | ${other} | ${cells.join(' | ')} |`);
  }
  return lines;
}

/** Two significant digits, exponent form below 0.001. */
function formatPValue(p: number): string {
  if (p >= 1) return '1';
  return p < 1e-3 ? p.toExponential(1) : String(Number(p.toPrecision(2)));
}

function find(summary: Summary, target: string, problem: string): CellSummary | undefined {
  return summary.cells.find((cell) => cell.target === target && cell.problem === problem);
}

/** Cells of targets that ran no trial (e.g. a Validate that refused the problem) are neither ranked nor compared. */
function ranked(summary: Summary, problem: string): CellSummary[] {
  return summary.cells.filter((cell) => cell.problem === problem && cell.trials > 0);
}

function isBest(summary: Summary, cell: CellSummary): boolean {
  const medians = ranked(summary, cell.problem).map((other) => other.finalRegret.median);
  return Number.isFinite(cell.finalRegret.median) && cell.finalRegret.median === Math.min(...medians);
}

/** Average rank over problems (ties share the mean of their ranks) of each target's median final regret. */
export function meanRanks(summary: Summary): Map<string, number> {
  const totals = new Map<string, { sum: number; count: number }>();
  for (const problem of summary.problems) {
    const cells = ranked(summary, problem);
    for (const cell of cells) {
      const better = cells.filter((other) => other.finalRegret.median < cell.finalRegret.median).length;
      const tied = cells.filter((other) => other.finalRegret.median === cell.finalRegret.median).length;
      const rank = better + (tied + 1) / 2;
      const entry = totals.get(cell.target) ?? { sum: 0, count: 0 };
      totals.set(cell.target, { sum: entry.sum + rank, count: entry.count + 1 });
    }
  }
  // A mean over fewer problems would not compare with the others: only targets that ran every problem get one.
  return new Map(
    [...totals].filter(([, { count }]) => count === summary.problems.length).map(([target, { sum, count }]) => [target, sum / count]),
  );
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
