import type { AlgorithmSetting } from '../../shared/wire/generated/api/v1/beta1/AlgorithmSetting.js';
import { grpcSuggestionEndpoint, type SuggestionEndpoint } from '../controller/suggestion-endpoint.js';
import { isStockService, startStockService, STOCK_SERVICES, type StockServiceName } from '../stock/stock-service.js';
import { localAlgorithm } from './local-services.js';
import { startServiceProcess } from './service-process.js';

/** Something the simulated controller can run an experiment against. */
export type Target = ServiceTarget | EndpointTarget | StockTarget;

interface TargetBase {
  /** Its name in results, tables and plots. */
  label: string;
  /** The algorithm_name the experiments carry. */
  algorithm: string;
  /** Algorithm settings as given; `{seed}` in a value stands for the experiment's seed (see settingsForSeed). */
  settings: AlgorithmSetting[];
}

/** One of this repository's services, started by the benchmark. */
export interface ServiceTarget extends TargetBase {
  kind: 'service';
  /** Its folder under services/. */
  service: string;
}

/** A Katib-compatible endpoint someone else runs. */
export interface EndpointTarget extends TargetBase {
  kind: 'endpoint';
  /** host:port. */
  address: string;
}

/**
 * One of Katib's stock Python services (bench/stock), started afresh for every Experiment as Katib starts a
 * Suggestion's pod: the stock services keep their model in the process between calls.
 */
export interface StockTarget extends TargetBase {
  kind: 'stock';
  service: StockServiceName;
}

/** How long one of our services may drain after SIGTERM before the benchmark kills it. */
const STOP_TIMEOUT_MS = 15_000;

/** A target ready for calls; for our services, a process started for it. */
export interface OpenTarget {
  endpoint: SuggestionEndpoint;
  /** host:port of the endpoint. */
  address: string;
  /** Peak RSS of the service process in KiB, when the benchmark started it. */
  peakRssKib(): number | undefined;
  close(): Promise<void>;
}

export function localTarget(algorithm: string): ServiceTarget {
  return { label: algorithm, kind: 'service', algorithm, settings: [], service: localAlgorithm(algorithm).service };
}

/**
 * Parses `--target label=host:port[,algorithm=NAME][,SETTING=VALUE...]`: any Katib-compatible Suggestion
 * endpoint. The algorithm name defaults to the label; other pairs become algorithm settings, `{seed}` in a value
 * standing for the experiment's seed (e.g. random_state={seed}).
 */
export function parseTargetSpec(text: string): EndpointTarget {
  const [head = '', ...pairs] = text.split(',');
  const equals = head.indexOf('=');
  const label = head.slice(0, equals).trim();
  const address = head.slice(equals + 1).trim();
  if (equals <= 0 || !/^[^\s:]+:\d+$/.test(address)) {
    throw new Error(`--target "${text}": expected label=host:port[,algorithm=NAME][,SETTING=VALUE...]`);
  }
  let algorithm = label;
  const settings: AlgorithmSetting[] = [];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new Error(`--target "${text}": "${pair}" is not NAME=VALUE`);
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (name === 'algorithm') algorithm = value;
    else settings.push({ name, value });
  }
  return { label, kind: 'endpoint', algorithm, settings, address };
}

/**
 * Parses `--stock SERVICE:ALGORITHM`, e.g. `hyperopt:tpe` (Katib's default service for tpe) or `optuna:tpe`: the
 * label is `stock-<service>-<algorithm>`, and the experiment's seed goes in `random_state`, which every stock
 * suggestion service reads.
 */
export function parseStockSpec(text: string): StockTarget {
  const [service = '', algorithm = '', ...rest] = text.split(':').map((part) => part.trim());
  if (!isStockService(service) || algorithm === '' || rest.length > 0) {
    throw new Error(`--stock "${text}": expected SERVICE:ALGORITHM with SERVICE one of ${STOCK_SERVICES.join(', ')}, e.g. hyperopt:tpe`);
  }
  return { label: `stock-${service}-${algorithm}`, kind: 'stock', service, algorithm, settings: [{ name: 'random_state', value: '{seed}' }] };
}

export function settingsForSeed(target: Target, seed: number): AlgorithmSetting[] {
  return target.settings.map(({ name, value }) => ({ name, value: (value ?? '').replaceAll('{seed}', String(seed)) }));
}

/** A target is opened once for all its Experiments on a problem, or, a stock service, once for each (see StockTarget). */
export function opensPerExperiment(target: Target): boolean {
  return target.kind === 'stock';
}

/** `katibSource`: the Katib checkout a stock target runs from (default: the one bench/stock/setup.sh prepared). */
export async function openTarget(target: Target, deadlineMs: number, katibSource?: string): Promise<OpenTarget> {
  if (target.kind === 'endpoint') {
    const endpoint = grpcSuggestionEndpoint(target.address, { deadlineMs });
    return { endpoint, address: target.address, peakRssKib: () => undefined, close: async () => endpoint.close() };
  }
  if (target.kind === 'stock') {
    const stock = await startStockService(target.service, katibSource === undefined ? {} : { katibSource });
    const endpoint = grpcSuggestionEndpoint(stock.address, { deadlineMs });
    return {
      endpoint,
      address: stock.address,
      peakRssKib: () => stock.peakRssKib(),
      close: async () => {
        endpoint.close();
        await stock.stop();
      },
    };
  }
  const service = await startServiceProcess(target.service);
  const endpoint = grpcSuggestionEndpoint(service.address, { deadlineMs });
  return {
    endpoint,
    address: service.address,
    peakRssKib: () => service.peakRssKib(),
    close: async () => {
      endpoint.close();
      await service.stop('SIGTERM', STOP_TIMEOUT_MS);
    },
  };
}
