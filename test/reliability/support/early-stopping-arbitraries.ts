import fc from 'fast-check';
import type { EarlyStoppingSpec } from '../../../shared/wire/generated/api/v1/beta1/EarlyStoppingSpec.js';
import type { GetEarlyStoppingRulesRequest } from '../../../shared/wire/generated/api/v1/beta1/GetEarlyStoppingRulesRequest.js';
import type { Trial } from '../../../shared/wire/generated/api/v1/beta1/Trial.js';
import type { LogLine } from '../../../bench/katib/db-manager-stand-in.js';

/**
 * Random GetEarlyStoppingRules requests with the metric logs a DB manager would hold for their trials, and the
 * answer the median stopping rule gives, computed here from Katib's semantics (the median of the succeeded
 * trials' averages of their first start_step reported values).
 */

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** A reported value as the rule reads it: a finite decimal number, or nothing. */
const reported = (text: string): number | undefined => {
  const trimmed = text.trim();
  const value = Number(trimmed);
  return DECIMAL.test(trimmed) && Number.isFinite(value) ? value : undefined;
};

export type RulesExpectation =
  | { outcome: 'error'; why: string }
  | { outcome: 'rules'; metric: string; comparison: 'LESS' | 'GREATER'; startStep: number; median: number | undefined };

export interface RulesCase {
  request: GetEarlyStoppingRulesRequest;
  /** The DB manager's logs for this case's trials, by trial name. */
  logs: Record<string, LogLine[]>;
  expect: RulesExpectation;
}

interface SettingsCase {
  spec: EarlyStoppingSpec | undefined;
  minTrials: number;
  startStep: number;
  defect: string | undefined;
}

/** An early-stopping spec for medianstop, valid or with one defect. */
export const earlyStoppingSpec: fc.Arbitrary<SettingsCase> = fc
  .record({
    minTrials: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    startStep: fc.option(fc.integer({ min: 1, max: 6 }), { nil: undefined }),
    defect: fc.oneof(
      { weight: 6, arbitrary: fc.constant(undefined) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'no spec',
          'algorithm median',
          'algorithm ""',
          'min_trials_required 0',
          'min_trials_required x',
          'start_step 0',
          'start_step -2',
          'start_step 1.5',
          'unknown setting',
        ),
      },
    ),
  })
  .map(({ minTrials, startStep, defect }) => {
    const settings = [
      ...(minTrials === undefined ? [] : [{ name: 'min_trials_required', value: String(minTrials) }]),
      ...(startStep === undefined ? [] : [{ name: 'start_step', value: ` ${startStep}` }]),
    ];
    let spec: EarlyStoppingSpec | undefined = { algorithm_name: 'medianstop', algorithm_settings: settings };
    if (defect === 'no spec') spec = undefined;
    else if (defect?.startsWith('algorithm ')) spec = { ...spec, algorithm_name: defect === 'algorithm median' ? 'median' : '' };
    else if (defect === 'unknown setting') spec.algorithm_settings!.push({ name: 'min_trials', value: '2' });
    else if (defect !== undefined) {
      const [name, value] = defect.split(' ') as [string, string];
      spec.algorithm_settings = [...settings.filter((setting) => setting.name !== name), { name, value }];
    }
    return { spec, minTrials: minTrials ?? 3, startStep: startStep ?? 4, defect };
  });

const logValue = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: -1e6, max: 1e6, noNaN: true }).map(String) },
  { weight: 2, arbitrary: fc.constantFrom('nan', 'inf', '', ' ', 'abc', '0x10', '1e999', ' 0.5 ', '-0') },
);

/** A trial's log: values one a minute in report order, now and then one with a time stamp nobody can read. */
function trialLog(metric: string, trialIndex: number): fc.Arbitrary<{ lines: LogLine[]; inReportOrder: string[] }> {
  const entry = fc.record({ value: logValue, otherMetric: fc.integer({ min: 0, max: 9 }).map((n) => n === 0), unreadable: fc.integer({ min: 0, max: 14 }).map((n) => n === 0) });
  return fc.array(entry, { maxLength: 8 }).map((entries) => {
    const start = Date.UTC(2026, 0, 1, trialIndex);
    const lines: LogLine[] = entries.map((e, i) => [e.unreadable ? 'yesterday' : new Date(start + i * 60_000).toISOString(), e.otherMetric ? `${metric}-other` : metric, e.value]);
    const ours = entries.map((e, i) => ({ e, i })).filter(({ e }) => !e.otherMetric);
    // Unreadable time stamps count as reported last, in the order they came.
    const inReportOrder = [...ours.filter(({ e }) => !e.unreadable), ...ours.filter(({ e }) => e.unreadable)].map(({ e }) => e.value);
    return { lines, inReportOrder };
  });
}

/** The mean of the first `startStep` finite values, or undefined when there is none. */
function earlyAverage(values: readonly string[], startStep: number): number | undefined {
  const finite = values.map(reported).filter((value): value is number => value !== undefined).slice(0, startStep);
  return finite.length === 0 ? undefined : finite.reduce((sum, value) => sum + value, 0) / finite.length;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

const CONDITIONS = ['CREATED', 'RUNNING', 'SUCCEEDED', 'KILLED', 'FAILED', 'METRICSUNAVAILABLE', 'EARLYSTOPPED'] as const;

/**
 * A rules request. Its trials are named `trial-<i>`: the caller makes the names unique per call (see
 * withUniqueNames), since the service caches a succeeded trial's average by its name and times.
 */
export function rulesCase(dbManagerAddress: string): fc.Arbitrary<RulesCase> {
  return fc
    .record({
      settings: earlyStoppingSpec,
      metric: fc.oneof(fc.constant('loss'), fc.string({ minLength: 1, maxLength: 6 }).filter((name) => name.trim() !== '')),
      type: fc.constantFrom('MINIMIZE', 'MAXIMIZE') as fc.Arbitrary<'MINIMIZE' | 'MAXIMIZE'>,
      objectiveDefect: fc.oneof({ weight: 12, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('type UNKNOWN', 'empty metric', 'no objective') }),
      address: fc.oneof({ weight: 12, arbitrary: fc.constant(dbManagerAddress) }, { weight: 1, arbitrary: fc.constantFrom('', '  ', 'no-port', 'host:0', 'host:65536', ':80', 'a b:1') }),
      conditions: fc.array(fc.oneof({ weight: 3, arbitrary: fc.constant('SUCCEEDED' as const) }, { weight: 2, arbitrary: fc.constantFrom(...CONDITIONS) }), { maxLength: 10 }),
      dropExperiment: fc.integer({ min: 0, max: 49 }).map((n) => n === 0),
    })
    .chain((base) => fc.record({ base: fc.constant(base), logs: fc.tuple(...base.conditions.map((_, i) => trialLog(base.metric, i))) }))
    .map(({ base, logs }) => {
      const names = base.conditions.map((_, i) => `trial-${i}`);
      const trials: Trial[] = base.conditions.map((condition, i) => ({
        name: names[i]!,
        spec: { parameter_assignments: { assignments: [{ name: 'lr', value: '0.01' }] } },
        status: { condition, start_time: '2026-01-01T00:00:00Z', completion_time: condition === 'SUCCEEDED' ? '2026-01-01T01:00:00Z' : '' },
      }));
      let objective: { type: 'MINIMIZE' | 'MAXIMIZE' | 'UNKNOWN'; objective_metric_name: string } | null = { type: base.type, objective_metric_name: base.metric };
      if (base.objectiveDefect === 'type UNKNOWN') objective = { ...objective, type: 'UNKNOWN' };
      if (base.objectiveDefect === 'empty metric') objective = { ...objective, objective_metric_name: '' };
      if (base.objectiveDefect === 'no objective') objective = null;
      const request: GetEarlyStoppingRulesRequest = {
        ...(base.dropExperiment
          ? {}
          : {
              experiment: {
                name: 'early-stopping-fuzz',
                spec: {
                  objective,
                  algorithm: { algorithm_name: 'random' },
                  ...(base.settings.spec === undefined ? {} : { early_stopping: base.settings.spec }),
                },
              },
            }),
        trials,
        db_manager_address: base.address,
      };
      const defect = base.dropExperiment
        ? 'no experiment'
        : (base.settings.defect ?? base.objectiveDefect ?? (base.address === dbManagerAddress ? undefined : `db_manager_address ${JSON.stringify(base.address)}`));
      const logsByName = Object.fromEntries(names.map((name, i) => [name, logs[i]!.lines]));
      if (defect !== undefined) return { request, logs: logsByName, expect: { outcome: 'error', why: defect } };
      const succeeded = base.conditions.map((condition, i) => ({ condition, i })).filter(({ condition }) => condition === 'SUCCEEDED');
      const averages = succeeded.map(({ i }) => earlyAverage(logs[i]!.inReportOrder, base.settings.startStep)).filter((value): value is number => value !== undefined);
      const enough = succeeded.length >= base.settings.minTrials && averages.length >= base.settings.minTrials;
      return {
        request,
        logs: logsByName,
        expect: {
          outcome: 'rules',
          metric: base.metric,
          comparison: base.type === 'MAXIMIZE' ? 'LESS' : 'GREATER',
          startStep: base.settings.startStep,
          median: enough ? median(averages) : undefined,
        },
      };
    });
}

/** The case with every trial name (in the request and in the logs) prefixed by `prefix`. */
export function withUniqueNames(fuzzCase: RulesCase, prefix: string): RulesCase {
  return {
    ...fuzzCase,
    request: { ...fuzzCase.request, trials: fuzzCase.request.trials!.map((trial) => ({ ...trial, name: `${prefix}-${trial.name}` })) },
    logs: Object.fromEntries(Object.entries(fuzzCase.logs).map(([name, lines]) => [`${prefix}-${name}`, lines])),
  };
}
