import { rngFromText, seedIdentity } from '../../shared/random/seed.js';
import type { Point, SearchSpace } from '../../shared/space/search-space.js';
import { bracketAt, type HyperbandPlan } from './bracket-plan.js';

/** Draws per configuration before a repeat is accepted (a configuration space smaller than the plan). */
const DRAWS_PER_CONFIGURATION = 64;

/**
 * The configurations each bracket starts with: drawn from every parameter's declared distribution by a
 * generator seeded with the experiment (random_state, else its name) and the bracket's number alone, so every
 * call, on any replica, finds the same ones; a configuration of an earlier bracket is not drawn again while
 * the space has others. The resource coordinate of a configuration means nothing: a rung sets it.
 */
export class ConfigurationSequence {
  private readonly brackets: Point[][] = [];
  private readonly drawn = new Set<string>();
  private readonly identity: string;

  constructor(
    private readonly space: SearchSpace,
    private readonly resourceIndex: number,
    private readonly plan: HyperbandPlan,
    experimentName: string,
    randomState: number | undefined,
  ) {
    this.identity = seedIdentity(experimentName, randomState);
  }

  /** Bracket g's first-rung configurations, all of them. */
  bracket(g: number): readonly Point[] {
    while (this.brackets.length <= g) this.brackets.push(this.draw(this.brackets.length));
    return this.brackets[g]!;
  }

  /** Identity of a configuration: its assignment without the resource parameter. */
  configurationKey(point: Point): string {
    return this.space.dimensions.map((dimension, i) => (i === this.resourceIndex ? '' : dimension.decode(point[i]!))).join('\u0000');
  }

  private draw(g: number): Point[] {
    const rng = rngFromText(`${this.identity}\u0000hyperband bracket ${g}`);
    const size = bracketAt(this.plan, g).rungs[0]!.size;
    return Array.from({ length: size }, () => {
      let point = this.space.canonical(this.space.sample(rng));
      for (let attempt = 1; attempt < DRAWS_PER_CONFIGURATION && this.drawn.has(this.configurationKey(point)); attempt++) {
        point = this.space.canonical(this.space.sample(rng));
      }
      this.drawn.add(this.configurationKey(point));
      return point;
    });
  }
}
