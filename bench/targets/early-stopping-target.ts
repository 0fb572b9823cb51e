import type { EarlyStoppingSetting } from '../../shared/wire/generated/api/v1/beta1/EarlyStoppingSetting.js';
import { openEarlyStoppingHarness, type EarlyStoppingEnvironment, type EarlyStoppingService, type OpenHarness } from '../controller/early-stopping-harness.js';
import { startStockService } from '../stock/stock-service.js';
import { startServiceProcess } from './service-process.js';

/** How long our medianstop may drain after SIGTERM before the benchmark kills it. */
const STOP_TIMEOUT_MS = 15_000;

/** Where an early-stopping service comes from: this repository's medianstop, or Katib's stock one. */
export const EARLY_STOPPING_SOURCES = ['medianstop', 'katib-medianstop'] as const;
export type EarlyStoppingSource = (typeof EARLY_STOPPING_SOURCES)[number];

/** An early-stopping rule the benchmark runs every suggestion target with. */
export interface EarlyStoppingTarget {
  /** Its name in results and tables. */
  label: string;
  source: EarlyStoppingSource;
  /** The Experiment's spec.earlyStopping.algorithmSettings. */
  settings: EarlyStoppingSetting[];
}

/** The algorithm name an Experiment gives both sources under spec.earlyStopping. */
export const EARLY_STOPPING_ALGORITHM = 'medianstop';

/**
 * Parses `--early-stopping [LABEL=]SOURCE[,SETTING=VALUE...]`, e.g. `medianstop`, `medianstop-s8=medianstop,start_step=8`
 * or `stock=katib-medianstop`; `none` is no early stopping (undefined). The label defaults to the source.
 */
export function parseEarlyStoppingSpec(text: string): EarlyStoppingTarget | undefined {
  const [head = '', ...pairs] = text.split(',').map((part) => part.trim());
  if (head === 'none' && pairs.length === 0) return undefined;
  const equals = head.indexOf('=');
  const label = equals < 0 ? head : head.slice(0, equals).trim();
  const source = equals < 0 ? head : head.slice(equals + 1).trim();
  if (!(EARLY_STOPPING_SOURCES as readonly string[]).includes(source) || label === '' || label === 'none') {
    throw new Error(`--early-stopping "${text}": expected none or [LABEL=]SOURCE[,SETTING=VALUE...] with SOURCE one of ${EARLY_STOPPING_SOURCES.join(', ')}`);
  }
  const settings = pairs.map((pair) => {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--early-stopping "${text}": "${pair}" is not SETTING=VALUE`);
    return { name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim() };
  });
  return { label, source: source as EarlyStoppingSource, settings };
}

/** This repository's medianstop as its image runs it, pointed at the Katib parts the harness provides. */
export async function startOurMedianStop(environment: EarlyStoppingEnvironment): Promise<EarlyStoppingService> {
  const service = await startServiceProcess('medianstop', { env: { KUBECONFIG: environment.kubeconfigPath, NAMESPACE: environment.namespace } });
  return {
    address: service.address,
    peakRssKib: () => service.peakRssKib(),
    // Each call's log line carries its durationMs.
    callMilliseconds: (method) => service.logs.filter((line) => line['method'] === method).map((line) => Number(line['durationMs'])),
    stop: async () => void (await service.stop('SIGTERM', STOP_TIMEOUT_MS)),
  };
}

/**
 * Katib's stock medianstop from a Katib checkout (bench/stock), pointed at the same Katib parts. Outside a pod it
 * marks Trials in the namespace "default" through the kubeconfig KUBECONFIG names.
 */
export function startKatibMedianStop(katibSource: string | undefined): (environment: EarlyStoppingEnvironment) => Promise<EarlyStoppingService> {
  return async (environment) => {
    const service = await startStockService('medianstop', { env: { KUBECONFIG: environment.kubeconfigPath }, ...(katibSource === undefined ? {} : { katibSource }) });
    return { address: service.address, peakRssKib: () => service.peakRssKib(), stop: () => service.stop() };
  };
}

/**
 * Whether a source's service is started for each Experiment, as Katib starts an Experiment's pods: the stock
 * service keeps its settings, the DB manager's address and every trial's average from its first call on.
 */
export function opensPerExperiment(target: EarlyStoppingTarget): boolean {
  return target.source === 'katib-medianstop';
}

/** Starts the target's service with its stand-ins; `katibSource` is the checkout a stock service runs from. */
export function openEarlyStopping(target: EarlyStoppingTarget, deadlineMs: number, katibSource?: string): Promise<OpenHarness> {
  const start = target.source === 'medianstop' ? startOurMedianStop : startKatibMedianStop(katibSource);
  return openEarlyStoppingHarness(start, deadlineMs);
}
