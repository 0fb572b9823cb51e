import { rngFromText } from '../../../shared/random/seed.js';
import type { GetSuggestionsRequest } from '../../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import type { Trial } from '../../../shared/wire/generated/api/v1/beta1/Trial.js';
import { categoricalParameter, discreteParameter, doubleParameter, experiment, intParameter, trial, type Condition } from '../../support/requests.js';
import { requiredSettings } from '../../support/required-settings.js';
import { positiveNumber } from './env-config.js';

/**
 * The experiments of the load test: `clients` experiments run at once against one process, each making `calls`
 * GetSuggestions calls in turn with a history that grows to `maxHistory` trials. Every request is built up front,
 * from the experiment's own seed, so that the same requests can be replayed to a fresh process.
 */
export interface LoadShape {
  clients: number;
  calls: number;
  maxHistory: number;
  /** Largest current_request_number. */
  maxCount: number;
  /** The model-based algorithms learn from at most this many trials of a history; the rest failed. */
  maxModelled: number;
}

/**
 * Per service, what CI can afford on two cores: 32 experiments at once, histories growing to 500 trials, and
 * fewer calls each than a long local run (RELIABILITY_LOAD_CALLS=50). The model-based services make fewer calls
 * still, and most of their trials failed: GP and Parzen fitting cost grows with the completed trials, and the
 * point here is concurrency, not model size (the event-loop and shutdown tests take the big models).
 */
const DEFAULT_SHAPES: Record<string, LoadShape> = {
  random: { clients: 32, calls: 8, maxHistory: 500, maxCount: 4, maxModelled: 500 },
  grid: { clients: 32, calls: 8, maxHistory: 500, maxCount: 4, maxModelled: 500 },
  tpe: { clients: 32, calls: 4, maxHistory: 500, maxCount: 4, maxModelled: 60 },
  bayesianoptimization: { clients: 32, calls: 2, maxHistory: 500, maxCount: 2, maxModelled: 20 },
};

/** The shape for `service`, with RELIABILITY_LOAD_CLIENTS / _CALLS / _HISTORY overriding the defaults. */
export function loadShape(service: string): LoadShape {
  const shape = DEFAULT_SHAPES[service] ?? DEFAULT_SHAPES['random']!;
  return {
    ...shape,
    clients: Math.round(positiveNumber('RELIABILITY_LOAD_CLIENTS', shape.clients)),
    calls: Math.round(positiveNumber('RELIABILITY_LOAD_CALLS', shape.calls)),
    maxHistory: Math.round(positiveNumber('RELIABILITY_LOAD_HISTORY', shape.maxHistory)),
  };
}

/** One space for every service, grid included: 1000 x 64 x 3 x 6 points. */
const PARAMETERS = [
  doubleParameter('lr', '0.0001', '0.1', { step: '0.0001', distribution: 'LOG_UNIFORM' }),
  intParameter('width', '16', '1024', { step: '16' }),
  categoricalParameter('optimizer', ['sgd', 'adam', 'rmsprop']),
  discreteParameter('dropout', ['0', '0.1', '0.2', '0.3', '0.4', '0.5']),
];
const RADICES = [1000, 64, 3, 6];

/** The assignments of grid index `index` (the first parameter varies slowest, as grid orders them). */
function pointAt(index: number): Record<string, string> {
  const digits: number[] = [];
  let rest = index;
  for (let i = RADICES.length - 1; i >= 0; i--) {
    digits[i] = rest % RADICES[i]!;
    rest = Math.floor(rest / RADICES[i]!);
  }
  return {
    lr: String(Number((0.0001 * (digits[0]! + 1)).toPrecision(12))),
    width: String(16 + 16 * digits[1]!),
    optimizer: ['sgd', 'adam', 'rmsprop'][digits[2]!]!,
    dropout: ['0', '0.1', '0.2', '0.3', '0.4', '0.5'][digits[3]!]!,
  };
}

/**
 * The trials of experiment `client`. Grid hands out the lowest free indices, so its experiments occupy a prefix
 * of the grid with client-specific gaps: every experiment then has its own answer, and a reply that went to the
 * wrong experiment would show.
 */
function experimentHistory(service: string, client: number, shape: LoadShape): Trial[] {
  const rng = rngFromText(`load history ${service} ${client}`);
  const trials: Trial[] = [];
  let gridIndex = 0;
  for (let i = 0; i < shape.maxHistory; i++) {
    let index: number;
    if (service === 'grid') {
      do gridIndex++;
      while ((gridIndex * 31 + client) % 7 === 0);
      index = gridIndex;
    } else {
      index = rng.integer(1000 * 64 * 3 * 6);
    }
    const roll = rng.uniform();
    const modelled = i < shape.maxModelled;
    const condition: Condition = !modelled ? 'FAILED' : roll < 0.8 ? 'SUCCEEDED' : roll < 0.9 ? 'RUNNING' : 'FAILED';
    const value = condition === 'SUCCEEDED' ? String(Math.sin(index) + rng.uniform()) : undefined;
    trials.push(trial(`load-${client}-${i}`, pointAt(index), condition, value));
  }
  return trials;
}

/** Every request of experiment `client`, in the order its controller sends them. */
export function experimentRequests(service: string, algorithm: string, client: number, shape: LoadShape): GetSuggestionsRequest[] {
  const history = experimentHistory(service, client, shape);
  // hyperband's budget is width: its budgets (1 to 1024) leave width's lattice, which hyperband does not use.
  const settings = requiredSettings(algorithm, { parameter: 'width', largest: '1024' });
  const spec = experiment({ name: `load-${service}-${client}`, algorithm, settings, parameters: PARAMETERS, parallelTrialCount: shape.maxCount });
  let total = 0;
  return Array.from({ length: shape.calls }, (_, call) => {
    const trials = history.slice(0, Math.round((shape.maxHistory * (call + 1)) / shape.calls));
    const count = 1 + ((client + call) % shape.maxCount);
    total += count;
    return { experiment: spec, trials, current_request_number: count, total_request_number: total };
  });
}
