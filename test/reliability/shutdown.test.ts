import assert from 'node:assert/strict';
import { it } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { SuggestionClient } from '../support/clients.js';
import { startServiceProcess } from '../../bench/targets/service-process.js';
import { outcomeOf } from './support/call-outcome.js';
import { slowGpRequest, waitForArrivals } from './support/heavy-requests.js';

/**
 * SIGTERM while slow GP calls are in flight (what Kubernetes does on a rollout or eviction): the calls finish
 * with their full replies, health turns NOT_SERVING, new calls get UNAVAILABLE, and the process exits 0 on its
 * own before the grace period runs out.
 */

const GRACE_SECONDS = 60;
/** Completed trials per slow call: a few seconds of GP fitting each on the CI machine. */
const HISTORY = 1000;
const SLOW_CALLS = 3;

it('drains in-flight GP calls on SIGTERM, refuses new ones, reports NOT_SERVING and exits 0', async (t) => {
  const service = await startServiceProcess('bayesianoptimization', { env: { SHUTDOWN_GRACE_SECONDS: String(GRACE_SECONDS) } });
  const client = new SuggestionClient(service.address);
  try {
    const requests = Array.from({ length: SLOW_CALLS }, (_, i) => slowGpRequest(`drain-${i}`, HISTORY));
    const inFlight = requests.map((request) => outcomeOf(client.getSuggestions(request, 1000 * GRACE_SECONDS)));
    assert.ok(await waitForArrivals(service.metricsPort, SLOW_CALLS), 'the slow calls never reached the service');

    assert.ok(service.child.kill('SIGTERM'));
    // The signal is handled on the event loop: poll health (a bounded number of times) until it reports the drain.
    let health = 'SERVING';
    for (let attempt = 0; attempt < 100 && health === 'SERVING'; attempt++) {
      health = await client.healthCheck('manager.v1beta1.Suggestion', 1000);
      if (health === 'SERVING') await new Promise((resolve) => setTimeout(resolve, 20));
    }
    assert.equal(health, 'NOT_SERVING');
    assert.equal(await client.healthCheck('', 1000), 'NOT_SERVING');

    const refused = await outcomeOf(client.getSuggestions(slowGpRequest('late', 10), 5000));
    assert.equal(refused.ok ? 'OK' : grpc.status[refused.code], 'UNAVAILABLE');

    for (const [i, outcome] of (await Promise.all(inFlight)).entries()) {
      assert.ok(outcome.ok, `in-flight call ${i} failed: ${outcome.ok ? '' : `${grpc.status[outcome.code]} ${outcome.details}`}`);
      assert.equal(outcome.reply.parameter_assignments.length, requests[i]!.current_request_number);
    }
    assert.equal(await service.exited, 0);

    const draining = service.logs.find((line) => line['msg'] === 'draining');
    assert.ok(draining !== undefined, 'no "draining" log line');
    assert.ok((draining['inFlight'] as number) >= 1, 'no call was still in flight when SIGTERM arrived');
    assert.ok(service.logs.some((line) => line['msg'] === 'stopped'));
    assert.ok(!service.logs.some((line) => line['msg'] === 'grace period over; cancelling the calls still running'));
    t.diagnostic(`SIGTERM with ${draining['inFlight']} of ${SLOW_CALLS} GP calls (${HISTORY} trials each) in flight: all completed, exit 0`);
  } finally {
    client.close();
    await service.stop('SIGKILL');
  }
});

it('cuts calls that outlast SHUTDOWN_GRACE_SECONDS and still exits 0', async (t) => {
  // One second of grace against calls that need several: the drain must end at the deadline, not at the calls' end.
  const service = await startServiceProcess('bayesianoptimization', { env: { SHUTDOWN_GRACE_SECONDS: '1' } });
  const client = new SuggestionClient(service.address);
  try {
    const inFlight = [0, 1].map((i) => outcomeOf(client.getSuggestions(slowGpRequest(`cut-${i}`, HISTORY, 32), 120_000)));
    assert.ok(await waitForArrivals(service.metricsPort, 2), 'the slow calls never reached the service');
    assert.ok(service.child.kill('SIGTERM'));
    assert.equal(await service.exited, 0);
    const outcomes = await Promise.all(inFlight);
    const cut = outcomes.filter((outcome) => !outcome.ok);
    assert.ok(cut.length >= 1, 'every slow call finished within one second: the case tests nothing');
    for (const outcome of cut) assert.ok(!outcome.ok && [grpc.status.CANCELLED, grpc.status.UNAVAILABLE].includes(outcome.code), `cut with ${outcome.ok ? '' : grpc.status[outcome.code]}`);
    assert.ok(service.logs.some((line) => line['msg'] === 'grace period over; cancelling the calls still running'));
    t.diagnostic(`SIGTERM with 2 GP calls of ${HISTORY} trials and 32 assignments and 1 s of grace: ${cut.length} cut (${cut.map((o) => (o.ok ? '' : grpc.status[o.code])).join(', ')}), exit 0`);
  } finally {
    client.close();
    await service.stop('SIGKILL');
  }
});
