import type { GetSuggestionsRequest } from '../../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import { rngFromText } from '../../../shared/random/seed.js';
import { doubleParameter, experiment, intParameter, suggestionsRequest, trial } from '../../support/requests.js';

/**
 * Requests that keep a worker busy for seconds: a Gaussian process over `completed` finished trials of a 4-D
 * space (factorising grows with the cube of the trials, up to the 1,000 the service models) choosing `count`
 * assignments (each a search and a fantasy, up to the 32 it chooses by the model). Each experiment name gives
 * a request of its own, so no cache can answer one from another.
 */
export function slowGpRequest(name: string, completed: number, count = 2): GetSuggestionsRequest {
  const parameters = ['a', 'b', 'c'].map((axis) => doubleParameter(axis, '-5', '5')).concat(intParameter('d', '1', '1000'));
  const rng = rngFromText(`slow gp ${name}`);
  const trials = Array.from({ length: completed }, (_, i) => {
    const point = { a: (rng.uniform() * 10 - 5).toFixed(6), b: (rng.uniform() * 10 - 5).toFixed(6), c: (rng.uniform() * 10 - 5).toFixed(6), d: String(1 + rng.integer(1000)) };
    const loss = Number(point.a) ** 2 + Math.sin(Number(point.b)) + Number(point.c) / 10 + Number(point.d) / 1000;
    return trial(`${name}-${i}`, point, 'SUCCEEDED', String(loss));
  });
  return suggestionsRequest(experiment({ name, algorithm: 'bayesianoptimization', parameters, settings: { n_initial_points: '5' } }), trials, count);
}

/** How many GetSuggestions calls the service has received so far, read from its /metrics (counted on arrival). */
export async function receivedCalls(metricsPort: number): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const match = /katib_service_calls_started_total\{method="GetSuggestions"\} (\d+)/.exec(text);
  return match === null ? 0 : Number(match[1]);
}

/** Polls /metrics until `count` calls have arrived, at most `attempts` times `everyMs` apart; false if they did not. */
export async function waitForArrivals(metricsPort: number, count: number, attempts = 200, everyMs = 50): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    // A scrape can fail while the service is busy (with WORKER_THREADS=0 its event loop is): keep polling.
    if ((await receivedCalls(metricsPort).catch(() => 0)) >= count) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return false;
}
