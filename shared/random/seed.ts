import { createHash } from 'node:crypto';
import { Rng } from './rng.js';

/** What a request's random seed is made of (design principle 2). */
export interface SeedSource {
  experimentName: string;
  /** The user's `random_state` / `seed` setting; when given it replaces the experiment name as the stream's identity. */
  randomState: number | undefined;
  /** How many trials the experiment has: it grows with every request, so later requests draw new numbers. */
  trialCount: number;
  totalRequestNumber: number;
  currentRequestNumber: number;
}

/**
 * The generator for one request. The same request always gets the same generator, on any replica and after
 * any restart; a later request of the same experiment gets a different one.
 */
export function rngForRequest(source: SeedSource): Rng {
  const text = [seedIdentity(source.experimentName, source.randomState), source.trialCount, source.totalRequestNumber, source.currentRequestNumber].join('\u0000');
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
