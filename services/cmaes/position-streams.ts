import { Rng } from '../../shared/random/rng.js';
import { rngFromText } from '../../shared/random/seed.js';

/**
 * The random streams of one generation: the draw number `attempt` for the experiment's position p (its p-th
 * assignment) always gets the same generator, whichever call asks, so a replay draws exactly what was handed out,
 * and two positions never share one. One SHA-256 digest per generation; each position's seed is that digest
 * mixed with the position (a digest per position would cost most of a call with a thousand trials, and positions
 * are reached directly, however large), and attempts are forks of the position's generator.
 */
export class PositionStreams {
  private readonly base: readonly number[];

  constructor(identity: string, run: number, generation: number) {
    const source = rngFromText(['cmaes', identity, run, generation].join('\u0000'));
    this.base = [source.nextUint32(), source.nextUint32(), source.nextUint32(), source.nextUint32()];
  }

  rng(position: number, attempt: number): Rng {
    // Positions past 2^32 (a client's claim of billions of assignments) share seeds with smaller ones: harmless.
    const index = position >>> 0;
    const positionRng = new Rng([0, 1, 2, 3].map((k) => finalMix(this.base[k]! ^ Math.imul(index + k + 1, 0x9e3779b1))) as [number, number, number, number]);
    for (let skipped = 0; skipped < attempt; skipped++) positionRng.fork();
    return positionRng.fork();
  }
}

/** MurmurHash3's 32-bit finaliser: every input bit affects every output bit. */
function finalMix(value: number): number {
  let h = value >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
