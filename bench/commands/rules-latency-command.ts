import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { GetEarlyStoppingRulesRequest } from '../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesRequest.js';
import type { GetObservationLogRequest } from '../../shared/wire/generated/api/v1/beta1/GetObservationLogRequest.js';
import { katibApi } from '../../shared/wire/katib-api.js';
import { earlyValue } from '../../services/medianstop/rule/early-value.js';
import { inReportOrder } from '../../services/medianstop/rule/metric-log.js';
import { percentile } from '../../shared/numeric/percentile.js';
import { repoPath } from '../../shared/repo-root.js';
import { messageOf } from '../../shared/errors/message-of.js';
import type { OpenHarness } from '../controller/early-stopping-harness.js';
import { describeEnvironment } from '../environment.js';
import { EncodedCaller } from '../latency/encoded-call.js';
import { LOG_METRIC, rulesLatencyLogs, rulesLatencyRequest } from '../latency/rules-request.js';
import { formatMiB, formatNumber } from '../report/number-format.js';
import { openEarlyStopping, parseEarlyStoppingSpec, type EarlyStoppingTarget } from '../targets/early-stopping-target.js';
import { integerOption, timestampedName } from './option-values.js';

export const RULES_LATENCY_USAGE = `npm run bench -- rules-latency [options]
  Times GetEarlyStoppingRules directly: a request with N succeeded trials whose logs, L values each, the DB
  manager stand-in holds. Each request is encoded before its call is timed. For each repetition, with trials
  named afresh: cold (no log read before), one new (the same trials and one more, as each call of a running
  Experiment brings), warm (that request again). For reference, from this process to the same DB manager: one
  GetObservationLog round trip, N of them, 8 at a time, and our medianstop's own work on the N logs read (ordering
  them by time stamp, then averaging the first values), in this process.
  --early-stopping SPEC  [LABEL=]SOURCE[,SETTING=VALUE...] as for run (repeatable; default medianstop)
  --trials N           succeeded trials in the request (default 500)
  --logs L             values in each trial's log (default 200)
  --repeats R          repetitions (default 5)
  --katib-source DIR   the Katib checkout katib-medianstop runs (default: the one bench/stock/setup.sh prepared)
  --deadline-ms N      per-call deadline (default 600000)
  --out DIR            output directory (default bench/results/rules-latency-<time>)`;

/** Logs stored, and read by the reference reads, at once. */
const PARALLEL = 8;

export interface RulesLatencyRow {
  label: string;
  /** cold, one new, warm: milliseconds of each repetition, as the caller saw them. */
  samplesMs: Record<RulesLatencyCase, number[]>;
  /** The same calls as the service itself timed them (its log lines' durationMs), when it logs them: our medianstop. */
  serviceMs?: Record<RulesLatencyCase, number[]>;
  peakRssKib: number | null;
  error?: string;
}

export type RulesLatencyCase = 'cold' | 'one new' | 'warm';
const CASES: readonly RulesLatencyCase[] = ['cold', 'one new', 'warm'];

export interface RulesLatencyResults {
  format: 'katib-bench-rules-latency/1';
  createdAt: string;
  command: string;
  environment: Record<string, string | number>;
  trials: number;
  logs: number;
  repeats: number;
  rows: RulesLatencyRow[];
  /**
   * From the CLI's process: one GetObservationLog round trip, `trials` of them 8 at a time, and medianstop's own
   * functions ordering the `trials` logs by time stamp and averaging their first values.
   */
  reference: { roundTripMs: number[]; allReadsMs: number[]; orderingMs: number[] };
  unavailable: { target: string; reason: string }[];
}

interface RulesLatencyOptions {
  targets: EarlyStoppingTarget[];
  trials: number;
  logs: number;
  repeats: number;
  katibSource: string | undefined;
  deadlineMs: number;
  out: string;
}

function parseOptions(args: string[]): RulesLatencyOptions {
  const { values } = parseArgs({
    args,
    options: {
      'early-stopping': { type: 'string', multiple: true },
      trials: { type: 'string' },
      logs: { type: 'string' },
      repeats: { type: 'string' },
      'katib-source': { type: 'string' },
      'deadline-ms': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const targets = (values['early-stopping'] ?? ['medianstop']).map(parseEarlyStoppingSpec);
  if (targets.some((target) => target === undefined)) throw new Error('--early-stopping none: nothing to time');
  return {
    targets: targets as EarlyStoppingTarget[],
    trials: integerOption('trials', values.trials, 500, 1),
    logs: integerOption('logs', values.logs, 200, 1),
    repeats: integerOption('repeats', values.repeats, 5, 1),
    katibSource: values['katib-source'],
    deadlineMs: integerOption('deadline-ms', values['deadline-ms'], 600_000, 1),
    out: values.out ?? repoPath('bench', 'results', timestampedName('rules-latency')),
  };
}

export async function rulesLatencyCommand(args: string[]): Promise<void> {
  const options = parseOptions(args);
  const results: RulesLatencyResults = {
    format: 'katib-bench-rules-latency/1',
    createdAt: new Date().toISOString(),
    command: `npm run bench -- rules-latency ${args.join(' ')}`.trim(),
    environment: describeEnvironment(),
    trials: options.trials,
    logs: options.logs,
    repeats: options.repeats,
    rows: [],
    reference: { roundTripMs: [], allReadsMs: [], orderingMs: [] },
    unavailable: [],
  };
  for (const target of options.targets) {
    let open: OpenHarness;
    try {
      open = await openEarlyStopping(target, options.deadlineMs, options.katibSource);
    } catch (error) {
      results.unavailable.push({ target: target.label, reason: messageOf(error) });
      continue;
    }
    try {
      results.rows.push(await timeTarget(target, open, options, results));
    } finally {
      await open.close();
    }
  }
  mkdirSync(options.out, { recursive: true });
  const files = { json: path.join(options.out, 'rules-latency.json'), markdown: path.join(options.out, 'rules-latency.md') };
  writeFileSync(files.json, `${JSON.stringify(results, null, 1)}\n`);
  const markdown = rulesLatencyMarkdown(results);
  writeFileSync(files.markdown, markdown);
  process.stdout.write(`${markdown}\nFiles:\n  ${files.json}\n  ${files.markdown}\n`);
}

async function timeTarget(target: EarlyStoppingTarget, open: OpenHarness, options: RulesLatencyOptions, results: RulesLatencyResults): Promise<RulesLatencyRow> {
  const { harness } = open;
  const caller = new EncodedCaller<GetEarlyStoppingRulesRequest>(open.service.address, katibApi.EarlyStopping.service.GetEarlyStoppingRules, options.deadlineMs);
  const reader = new EncodedCaller<GetObservationLogRequest>(harness.dbManagerAddress, katibApi.DBManager.service.GetObservationLog, options.deadlineMs);
  const row: RulesLatencyRow = { label: target.label, samplesMs: { cold: [], 'one new': [], warm: [] }, peakRssKib: null };
  const serviceTimes = open.service.callMilliseconds;
  if (serviceTimes !== undefined) row.serviceMs = { cold: [], 'one new': [], warm: [] };
  const time = async (name: RulesLatencyCase, encoded: Buffer): Promise<void> => {
    const started = performance.now();
    await caller.call(encoded);
    row.samplesMs[name].push(performance.now() - started);
    const logged = serviceTimes?.('GetEarlyStoppingRules').at(-1);
    if (logged !== undefined) row.serviceMs![name].push(logged);
  };
  try {
    await harness.endpoint.validateEarlyStoppingSettings({ early_stopping: rulesLatencyRequest(target, [], harness.dbManagerAddress).experiment!.spec!.early_stopping! });
    for (let repetition = 0; repetition < options.repeats; repetition++) {
      const logs = rulesLatencyLogs(`${target.label}-r${repetition}`, options.trials + 1, options.logs);
      await inParallel(logs, ({ name, values }) => harness.logs.report(name, values));
      const names = logs.map((log) => log.name);
      const request = (count: number) => caller.encode(rulesLatencyRequest(target, names.slice(0, count), harness.dbManagerAddress));
      await time('cold', request(options.trials));
      const withOneMore = request(options.trials + 1);
      await time('one new', withOneMore);
      await time('warm', withOneMore);
      // The reference reads, once per repetition, against the same stand-in and logs.
      const one = reader.encode({ trial_name: names[0]!, metric_name: LOG_METRIC });
      for (let i = 0; i < 5; i++) {
        const started = performance.now();
        await reader.call(one);
        results.reference.roundTripMs.push(performance.now() - started);
      }
      const started = performance.now();
      await inParallel(names.slice(0, options.trials), (name) => reader.call(reader.encode({ trial_name: name, metric_name: LOG_METRIC })));
      results.reference.allReadsMs.push(performance.now() - started);
      const entries = logs.slice(0, options.trials).map((log) => log.values.map((value) => ({ timeStamp: value.timeStamp, value: value.value })));
      const ordering = performance.now();
      for (const log of entries) earlyValue(inReportOrder(log).values, 4, 'average', 'minimize');
      results.reference.orderingMs.push(performance.now() - ordering);
      await harness.forget(names);
    }
  } catch (error) {
    row.error = messageOf(error);
  } finally {
    row.peakRssKib = open.service.peakRssKib() ?? null;
    caller.close();
    reader.close();
  }
  return row;
}

/** Runs `work` on every item, PARALLEL at a time. */
async function inParallel<T>(items: readonly T[], work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
}

function summary(samples: readonly number[]): string {
  return samples.length === 0 ? '—' : `${formatNumber(percentile(samples, 50))} / ${formatNumber(percentile(samples, 95))}`;
}

export function rulesLatencyMarkdown(results: RulesLatencyResults): string {
  const lines = [
    `GetEarlyStoppingRules latency in ms, p50 / p95 of ${results.repeats} calls, with ${results.trials} succeeded trials whose ` +
      `logs hold ${results.logs} values each. cold: no log read before; one new: those trials and one more; warm: that ` +
      "request again. Peak RSS: the early-stopping service process. A service that logs each call's duration (ours) has a " +
      'second row with those: the time the call took inside the service, without the transport and the waits of a busy machine.',
    '',
    `| early stopping | ${CASES.join(' | ')} | peak RSS MiB |`,
    `|---|${CASES.map(() => '---|').join('')}---|`,
    ...results.rows.flatMap((row) => [
      `| ${row.label} | ${CASES.map((name) => summary(row.samplesMs[name])).join(' | ')} | ${formatMiB(row.peakRssKib)} |${row.error === undefined ? '' : ` failed: ${row.error}`}`,
      ...(row.serviceMs === undefined ? [] : [`| ${row.label}, as it logs its calls | ${CASES.map((name) => summary(row.serviceMs![name])).join(' | ')} | |`]),
    ]),
    '',
    `For reference, from the CLI's process to the same DB manager stand-in: one GetObservationLog of ${results.logs} values ` +
      `${summary(results.reference.roundTripMs)} ms; all ${results.trials} logs, ${PARALLEL} at a time, ${summary(results.reference.allReadsMs)} ms; ` +
      `medianstop's ordering of those logs by time stamp and averaging of their first 4 values, ${summary(results.reference.orderingMs)} ms.`,
  ];
  for (const entry of results.unavailable) lines.push('', `${entry.target} did not run: ${entry.reason}`);
  return `${lines.join('\n')}\n`;
}
