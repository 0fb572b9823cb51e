import assert from 'node:assert/strict';
import { it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { SuggestionClient } from '../support/clients.js';
import { startServiceProcess } from '../../bench/targets/service-process.js';
import { outcomeOf } from './support/call-outcome.js';
import { slowGpRequest, waitForArrivals } from './support/heavy-requests.js';

/**
 * While GP fitting keeps every worker busy, health checks (Katib's readiness probe, kubelet's liveness probe)
 * are still answered: the heavy work runs in worker threads, off the event loop. Judged by order, not by the
 * clock: most of the checks must come back while the heavy calls are still running. With the work on the event
 * loop a check waits for a whole heavy call, so hardly any can.
 *
 * The same test with RELIABILITY_EVENT_LOOP_WORKERS=0 (the service's WORKER_THREADS=0: algorithms on the event
 * loop) fails. How long the checks took is reported, not asserted (docs/reliability.md has a direct probe of
 * the WORKER_THREADS=0 case, where health misses a 1 s probe deadline).
 */

/** Completed trials and assignments per heavy call: several seconds of GP work each. */
const HISTORY = 1000;
const BATCH = 12;
/** Health checks while the heavy calls run, a fixed number so that the loop is bounded. */
const CHECKS = 20;
const CHECK_EVERY_MS = 100;

it('answers health while heavy GetSuggestions calls occupy every worker', async (t) => {
  const workers = process.env['RELIABILITY_EVENT_LOOP_WORKERS'];
  const service = await startServiceProcess('bayesianoptimization', { env: workers === undefined ? {} : { WORKER_THREADS: workers } });
  const client = new SuggestionClient(service.address);
  try {
    // Two heavy calls: one per worker on a two-core machine (WORKER_THREADS defaults to min(4, cores)).
    let pending = 2;
    const heavy = [0, 1].map((i) =>
      outcomeOf(client.getSuggestions(slowGpRequest(`busy-${i}`, HISTORY, BATCH), 300_000)).finally(() => {
        pending--;
      }),
    );
    assert.ok(await waitForArrivals(service.metricsPort, 2), 'the heavy calls never reached the service');

    const answered: { status: string; ms: number; duringHeavyWork: boolean }[] = [];
    for (let i = 0; i < CHECKS; i++) {
      const started = performance.now();
      const status = await client.healthCheck('manager.v1beta1.Suggestion');
      answered.push({ status, ms: performance.now() - started, duringHeavyWork: pending > 0 });
      await new Promise((resolve) => setTimeout(resolve, CHECK_EVERY_MS));
    }
    const during = answered.filter((check) => check.duringHeavyWork);
    assert.ok(during.length >= CHECKS / 2, `only ${during.length} checks ran while the heavy calls were in progress`);
    assert.ok(answered.every((check) => check.status === 'SERVING'));

    for (const outcome of await Promise.all(heavy)) assert.ok(outcome.ok, outcome.ok ? '' : outcome.details);
    const slowest = Math.max(...during.map((check) => check.ms));
    t.diagnostic(`${during.length} health checks during two ${HISTORY}-trial GP calls: all SERVING, slowest ${Math.round(slowest)} ms`);
  } finally {
    client.close();
    assert.equal(await service.stop('SIGTERM'), 0);
  }
});
