import { performance } from 'node:perf_hooks';
import * as grpc from '@grpc/grpc-js';
import { katibApi } from '../../../shared/wire/katib-api.js';
import type { GetSuggestionsReply__Output } from '../../../shared/wire/generated/api/v1/beta1/GetSuggestionsReply.js';
import type { GetSuggestionsRequest } from '../../../shared/wire/generated/api/v1/beta1/GetSuggestionsRequest.js';
import { CALL_HANG_GUARD_MS } from '../../support/hang-guard.js';
import { assignmentsOf } from '../../support/requests.js';

/**
 * A Katib controller's deadline for one call: a reply later than this would be an error in Katib. Reported, not
 * enforced: on a machine shared with other work a call can take longer without anything being wrong with it.
 */
export const KATIB_CALL_TIMEOUT_MS = 60_000;

export interface LoadRound {
  /** replies[experiment][call]: the assignments, or [] where the call failed. */
  replies: Record<string, string>[][][];
  latenciesMs: number[];
  errors: string[];
  seconds: number;
}

/**
 * Runs every experiment's requests at once against `address`, each experiment in order on a connection of its
 * own (a local subchannel pool: without it grpc-js would share one TCP connection among the clients).
 */
export async function runConcurrentExperiments(address: string, plans: readonly GetSuggestionsRequest[][]): Promise<LoadRound> {
  const round: LoadRound = { replies: plans.map(() => []), latenciesMs: [], errors: [], seconds: 0 };
  const started = performance.now();
  await Promise.all(
    plans.map(async (requests, experiment) => {
      const client = new katibApi.Suggestion(address, grpc.credentials.createInsecure(), { 'grpc.use_local_subchannel_pool': 1 });
      for (const request of requests) {
        const callStart = performance.now();
        try {
          round.replies[experiment]!.push(assignmentsOf(await getSuggestions(client, request)));
          round.latenciesMs.push(performance.now() - callStart);
        } catch (error) {
          round.errors.push(`experiment ${experiment}: ${(error as Error).message}`);
          round.replies[experiment]!.push([]);
        }
      }
      client.close();
    }),
  );
  round.seconds = (performance.now() - started) / 1000;
  return round;
}

function getSuggestions(client: InstanceType<typeof katibApi.Suggestion>, request: GetSuggestionsRequest): Promise<GetSuggestionsReply__Output> {
  return new Promise((resolve, reject) => {
    client.GetSuggestions(request, { deadline: Date.now() + CALL_HANG_GUARD_MS }, (error, reply) => (error ? reject(error) : resolve(reply!)));
  });
}

/** The q-quantile of ascending `sorted` values. */
export function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
