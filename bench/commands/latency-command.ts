import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import type { Trial } from '../../shared/wire/generated/api/v1/beta1/Trial.js';
import { describeEnvironment } from '../environment.js';
import { EncodedCaller } from '../latency/encoded-call.js';
import { katibApi } from '../../shared/wire/katib-api.js';
import type { GetSuggestionsRequest } from '../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import { completedTrials, latencyRequest } from '../latency/latency-request.js';
import { percentile } from '../../shared/numeric/percentile.js';
import { problemDefinition, type ProblemDefinition } from '../problems/problem-catalog.js';
import { progressBar, type Progress } from '../progress/progress-bar.js';
import { repoPath } from '../../shared/repo-root.js';
import { latencyPlotSpec } from '../report/latency-plot.js';
import { formatMiB, formatNumber } from '../report/number-format.js';
import { renderSvg } from '../report/render-svg.js';
import { openTarget, settingsForSeed, type OpenTarget, type Target } from '../targets/target.js';
import { integerListOption, integerOption, positiveDecimalOption, targetsOption, timestampedName } from './option-values.js';
import { messageOf } from '../../shared/errors/message-of.js';

export const LATENCY_USAGE = `npm run bench -- latency [options]
  Times GetSuggestions directly: a request with H succeeded trials (random points of the problem with their
  objective values) asking for B assignments, repeated under fresh experiment names so no reply comes from a cache.
  Each request is encoded before its call is timed: the time is the service's and the transport's.
  --algorithms LIST    our services' algorithms (default: every built one, unless --target is given)
  --target SPEC        label=host:port[,algorithm=NAME][,SETTING=VALUE...] (repeatable)
  --problem NAME       the search space (default hartmann6, 6-D)
  --step S             gives every DOUBLE parameter this step, so that grid can be timed too
                       (hartmann6 with --step 0.1 is a grid of 11^6 = 1,771,561 points)
  --history LIST       history sizes H (default 10,100,500,1000)
  --batches LIST       batch sizes B (default 1,10)
  --repeats N          calls per (H, B) (default 10)
  --deadline-ms N      per-call deadline (default 600000)
  --out DIR            output directory (default bench/results/latency-<time>)`;

export interface LatencyMeasurement {
  target: string;
  history: number;
  batch: number;
  samplesMs: number[];
  p50Ms: number | null;
  p95Ms: number | null;
  error?: string;
}

export interface LatencyResults {
  format: 'katib-bench-latency/1';
  createdAt: string;
  command: string;
  environment: Record<string, string | number>;
  problem: string;
  repeats: number;
  measurements: LatencyMeasurement[];
  peakRssKib: Record<string, number | null>;
  unavailable: { target: string; reason: string }[];
}

interface LatencyOptions {
  targets: Target[];
  /** The problem whose space is timed: as declared, or with every DOUBLE parameter stepped by `--step`. */
  problem: ProblemDefinition;
  /** How tables and plots name that space. */
  spaceName: string;
  histories: number[];
  batches: number[];
  repeats: number;
  deadlineMs: number;
  out: string;
}

function parseLatencyOptions(args: string[]): LatencyOptions {
  const { values } = parseArgs({
    args,
    options: {
      algorithms: { type: 'string' },
      target: { type: 'string', multiple: true },
      problem: { type: 'string' },
      step: { type: 'string' },
      history: { type: 'string' },
      batches: { type: 'string' },
      repeats: { type: 'string' },
      'deadline-ms': { type: 'string' },
      out: { type: 'string' },
    },
    strict: true,
  });
  const targets = targetsOption(values.algorithms, values.target);
  if (targets.length === 0) throw new Error('nothing to time: no built service and no --target');
  const declared = problemDefinition(values.problem ?? 'hartmann6');
  const step = values.step === undefined ? undefined : positiveDecimalOption('step', values.step);
  return {
    targets,
    problem: step === undefined ? declared : withSteppedDoubles(declared, step),
    spaceName: step === undefined ? declared.name : `${declared.name} (every DOUBLE stepped by ${step})`,
    histories: integerListOption('history', values.history, [10, 100, 500, 1000]),
    batches: integerListOption('batches', values.batches, [1, 10]),
    repeats: integerOption('repeats', values.repeats, 10, 1),
    deadlineMs: integerOption('deadline-ms', values['deadline-ms'], 600_000, 1),
    out: values.out ?? repoPath('bench', 'results', timestampedName('latency')),
  };
}

export async function latencyCommand(args: string[]): Promise<void> {
  const options = parseLatencyOptions(args);
  const histories = new Map(options.histories.map((size) => [size, completedTrials(options.problem, size)]));
  const results: LatencyResults = {
    format: 'katib-bench-latency/1',
    createdAt: new Date().toISOString(),
    command: `npm run bench -- latency ${args.join(' ')}`.trim(),
    environment: describeEnvironment(),
    problem: options.spaceName,
    repeats: options.repeats,
    measurements: [],
    peakRssKib: {},
    unavailable: [],
  };
  const progress = progressBar(options.targets.length * options.histories.length * options.batches.length);
  for (const target of options.targets) {
    let open: OpenTarget;
    try {
      open = await openTarget(target, options.deadlineMs);
    } catch (error) {
      results.unavailable.push({ target: target.label, reason: messageOf(error) });
      continue;
    }
    try {
      results.measurements.push(...(await timeTarget(target, open, histories, options, progress)));
      results.peakRssKib[target.label] = open.peakRssKib() ?? null;
    } catch (error) {
      // Validate refused the space (grid needs steps) or the warm-up call failed: nothing to time.
      results.unavailable.push({ target: target.label, reason: messageOf(error) });
    } finally {
      await open.close();
    }
  }
  progress.finish();

  mkdirSync(options.out, { recursive: true });
  const files = {
    json: path.join(options.out, 'latency.json'),
    markdown: path.join(options.out, 'latency.md'),
    svg: path.join(options.out, 'latency.svg'),
  };
  writeFileSync(files.json, `${JSON.stringify(results, null, 1)}\n`);
  writeFileSync(files.markdown, latencyMarkdown(results, options));
  const points = results.measurements.flatMap((m) =>
    m.p50Ms === null || m.p95Ms === null ? [] : [{ target: m.target, batch: m.batch, history: m.history, p50Ms: m.p50Ms, p95Ms: m.p95Ms }],
  );
  writeFileSync(files.svg, await renderSvg(latencyPlotSpec(points, options.spaceName)));
  console.log(Object.values(files).join('\n'));
  for (const entry of results.unavailable) console.log(`not run: ${entry.target}: ${entry.reason}`);
}

async function timeTarget(
  target: Target,
  open: OpenTarget,
  histories: Map<number, Trial[]>,
  options: LatencyOptions,
  progress: Progress,
): Promise<LatencyMeasurement[]> {
  const request = (history: readonly Trial[], batch: number, name: string, repetition: number) =>
    latencyRequest(options.problem, { name: target.algorithm, settings: settingsForSeed(target, repetition) }, history, batch, name);
  const smallest = histories.get(Math.min(...histories.keys()))!;
  const warmUp = request(smallest, 1, 'latency-warm-up', 0);
  await open.endpoint.validateAlgorithmSettings({ experiment: warmUp.experiment ?? null });
  const caller = new EncodedCaller<GetSuggestionsRequest>(open.address, katibApi.Suggestion.service.GetSuggestions, options.deadlineMs);
  const measurements: LatencyMeasurement[] = [];
  try {
    // One untimed call first, on the client the timed calls use: process start-up work (JIT, worker threads)
    // and the connection's set-up are not properties of a history size.
    await caller.call(caller.encode(warmUp));
    for (const [size, history] of histories) {
      for (const batch of options.batches) {
        const samplesMs: number[] = [];
        let error: string | undefined;
        for (let repetition = 0; repetition < options.repeats && error === undefined; repetition++) {
          const encoded = caller.encode(request(history, batch, `latency-h${size}-b${batch}-r${repetition}`, repetition));
          const started = performance.now();
          try {
            await caller.call(encoded);
            samplesMs.push(performance.now() - started);
          } catch (failure) {
            error = messageOf(failure);
          }
        }
        measurements.push({
          target: target.label,
          history: size,
          batch,
          samplesMs,
          p50Ms: samplesMs.length === 0 ? null : percentile(samplesMs, 50),
          p95Ms: samplesMs.length === 0 ? null : percentile(samplesMs, 95),
          ...(error === undefined ? {} : { error }),
        });
        progress.advance(`${target.label} · history ${size} · batch ${batch}`);
      }
    }
  } finally {
    caller.close();
  }
  return measurements;
}

/** `problem` with every DOUBLE parameter given `step`, so that grid can serve its space. */
function withSteppedDoubles(problem: ProblemDefinition, step: string): ProblemDefinition {
  return {
    ...problem,
    parameters: problem.parameters.map((parameter) =>
      parameter.parameterType === 'double' ? { ...parameter, feasibleSpace: { ...parameter.feasibleSpace, step } } : parameter,
    ),
  };
}

function latencyMarkdown(results: LatencyResults, options: LatencyOptions): string {
  const lines = [
    `GetSuggestions latency in ms, p50 / p95 of ${options.repeats} calls, on the ${options.spaceName} search space; ` +
      'H = succeeded trials in the request, B = assignments asked for. Peak RSS: the service process after all calls.',
    '',
    `| algorithm | B | ${options.histories.map((size) => `H = ${size}`).join(' | ')} | peak RSS MiB |`,
    `|---|---|${options.histories.map(() => '---|').join('')}---|`,
  ];
  for (const target of options.targets) {
    for (const batch of options.batches) {
      const cells = options.histories.map((size) => {
        const m = results.measurements.find((entry) => entry.target === target.label && entry.history === size && entry.batch === batch);
        if (m === undefined) return 'n/a';
        if (m.p50Ms === null) return `failed: ${m.error ?? 'no sample'}`;
        return `${formatNumber(m.p50Ms)} / ${formatNumber(m.p95Ms)}${m.error === undefined ? '' : ' (then failed)'}`;
      });
      lines.push(`| ${target.label} | ${batch} | ${cells.join(' | ')} | ${formatMiB(results.peakRssKib[target.label] ?? null)} |`);
    }
  }
  for (const entry of results.unavailable) lines.push('', `${entry.target} did not run: ${entry.reason}`);
  return `${lines.join('\n')}\n`;
}
