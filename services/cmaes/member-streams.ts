import { Rng } from '../../shared/random/rng.js';
import { rngFromText } from '../../shared/random/seed.js';

type Seed = [number, number, number, number];

/**
 * The random streams of one generation's members: member j's draw number `attempt` always gets the same
 * generator, whichever call asks, so a replay draws exactly the members that were handed out. One SHA-256 seed
 * per generation; members' seeds follow from it in order and are kept, and attempts are forks of the member's
 * generator (a digest per member would cost most of a call with a thousand trials).
 */
export class MemberStreams {
  private readonly source: Rng;
  private readonly memberSeeds: Seed[] = [];

  constructor(identity: string, run: number, generation: number) {
    this.source = rngFromText(['cmaes', identity, run, generation].join('\u0000'));
  }

  rng(member: number, attempt: number): Rng {
    while (this.memberSeeds.length <= member) {
      const s = this.source;
      this.memberSeeds.push([s.nextUint32(), s.nextUint32(), s.nextUint32(), s.nextUint32()]);
    }
    const memberRng = new Rng(this.memberSeeds[member]!);
    for (let skipped = 0; skipped < attempt; skipped++) memberRng.fork();
    return memberRng.fork();
  }
}
