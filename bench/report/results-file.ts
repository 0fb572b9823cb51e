import { readFileSync, writeFileSync } from 'node:fs';
import { SCHEDULES, type ExperimentOutcome, type Schedule } from '../controller/simulated-controller.js';

export const RESULTS_FORMAT = 'katib-bench-results/1';

/** One experiment: a target, a problem, a seed. Peers (bench/peers/run_peer.py) write the same shape. */
export interface RunRecord extends ExperimentOutcome {
  target: string;
  kind: 'service' | 'endpoint' | 'stock' | 'peer';
  algorithm: string;
  /** With early stopping: the suggestion target's label (`target` is it joined by the rule's) and the rule's. */
  suggestion?: string;
  earlyStopping?: string;
  problem: string;
  seed: number;
  /** How its trials finished; absent in results written before schedules existed, which ran async. */
  schedule?: Schedule;
  experiment: string;
  duplicates: number;
  invalidAssignments: number;
  /** Trials whose training diverged (reported inf or nan); absent in results written before it was counted. */
  diverged?: number;
  /** Peak RSS of the process that made the suggestions, in KiB, as of the end of this run; null when unknown. */
  peakRssKib: number | null;
  /** Peak RSS of the early-stopping service process, in KiB, when there was one. */
  earlyStoppingPeakRssKib?: number | null;
  wallSeconds: number;
}

export interface BenchmarkSettings {
  budget: number;
  /** The --parallel asked for; the serial schedule runs with 1. */
  parallel: number;
  /** The schedules run; absent in results written before schedules existed, which ran async. */
  schedules?: Schedule[];
  seeds: number[];
  problems: string[];
}

export interface BenchmarkResults {
  format: typeof RESULTS_FORMAT;
  createdAt: string;
  command: string;
  environment: Record<string, string | number>;
  settings: BenchmarkSettings;
  runs: RunRecord[];
  /** Targets that could not run at all, and why (not built, not installed, ...). */
  unavailable: { target: string; reason: string }[];
}

/** The schedules a results file holds runs of (async for files written before schedules existed), in SCHEDULES order. */
export function schedulesOf(results: BenchmarkResults): Schedule[] {
  const present = new Set(results.settings.schedules ?? ['async']);
  for (const run of results.runs) present.add(run.schedule ?? 'async');
  return SCHEDULES.filter((schedule) => present.has(schedule));
}

export function writeResults(file: string, results: BenchmarkResults): void {
  writeFileSync(file, `${JSON.stringify(results)}\n`);
}

export function readResults(file: string): BenchmarkResults {
  const results = JSON.parse(readFileSync(file, 'utf8')) as BenchmarkResults;
  if (results.format !== RESULTS_FORMAT) throw new Error(`${file} is not a ${RESULTS_FORMAT} file`);
  return results;
}

/**
 * Several result files as one (e.g. our services and the Python peers run side by side). They must share budget
 * and parallelism; seeds and problems are united.
 */
export function mergeResults(all: readonly BenchmarkResults[]): BenchmarkResults {
  const first = all[0];
  if (first === undefined) throw new Error('no results to merge');
  for (const other of all) {
    if (other.settings.budget !== first.settings.budget || other.settings.parallel !== first.settings.parallel) {
      throw new Error(
        `cannot merge results of budget ${other.settings.budget}, parallel ${other.settings.parallel} with ` +
          `budget ${first.settings.budget}, parallel ${first.settings.parallel}`,
      );
    }
  }
  const union = <T>(lists: T[][]): T[] => [...new Set(lists.flat())];
  return {
    ...first,
    command: all.map((results) => results.command).join('\n'),
    environment: Object.assign({}, ...all.map((results) => results.environment)) as Record<string, string | number>,
    settings: {
      budget: first.settings.budget,
      parallel: first.settings.parallel,
      seeds: union(all.map((results) => results.settings.seeds)).sort((a, b) => a - b),
      problems: union(all.map((results) => results.settings.problems)),
      schedules: union(all.map(schedulesOf)),
    },
    runs: all.flatMap((results) => results.runs),
    unavailable: all.flatMap((results) => results.unavailable),
  };
}
