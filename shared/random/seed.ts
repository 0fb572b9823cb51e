import { createHash } from 'node:crypto';
import { Rng } from './rng.js';

/** What a request's random seed is made of (design principle 2). */
export interface SeedSource {
  experimentName: string;
  /** The user's `random_state` / `seed` setting; when given it replaces the experiment name as the stream's identity. */
  randomState: number | undefined;
  /**
   * The names of the trials in the request; their number grows with every request, so later requests draw new
   * numbers. Without random_state the names themselves join the seed too (sorted, so their order does not
   * matter): Katib names trials after the Experiment with a random suffix, so an Experiment deleted and
   * re-created under the same name draws fresh numbers from its second request on, instead of replaying the
   * first one's trials. (The first request carries no trials, so the first batch of two such Experiments is the
   * same; so are sequences seeded once per experiment, such as the GP's initial design.) With random_state the
   * user asked for a reproducible stream, and only the number counts.
   */
  trialNames: readonly string[];
  totalRequestNumber: number;
  currentRequestNumber: number;
}

/**
 * The generator for one request. The same request always gets the same generator, on any replica and after
 * any restart; a later request of the same experiment gets a different one.
 */
export function rngForRequest(source: SeedSource): Rng {
  const names = source.randomState === undefined ? [...source.trialNames].sort().join('\u0001') : '';
  const text = [
    seedIdentity(source.experimentName, source.randomState),
    source.trialNames.length,
    source.totalRequestNumber,
    source.currentRequestNumber,
    names,
  ].join('\u0000');
  return rngFromText(text);
}

/**
 * What a random stream belongs to: the user's random_state when given (so it carries across experiment names),
 * else the experiment.
 */
export function seedIdentity(experimentName: string, randomState: number | undefined): string {
  return randomState === undefined ? `experiment:${experimentName}` : `random_state:${randomState}`;
}

/** A generator seeded by a SHA-256 digest of `text`. */
export function rngFromText(text: string): Rng {
  const digest = createHash('sha256').update(text).digest();
  return new Rng([digest.readUInt32LE(0), digest.readUInt32LE(4), digest.readUInt32LE(8), digest.readUInt32LE(12)]);
}
