import type { SuggestionAlgorithm } from '../../shared/algorithm/suggestion-algorithm.js';
import { seedIdentity } from '../../shared/random/seed.js';
import type { Point } from '../../shared/space/search-space.js';
import { cmaesSettings } from './cmaes-settings.js';
import { GenerationReplay, MEMBER_ATTEMPTS } from './generation-replay.js';
import { SpaceLayout } from './space-layout.js';
import { TrialBook } from './trial-book.js';

/**
 * CMA-ES (Hansen's tutorial, arXiv:1604.00772) with IPOP or BIPOP restarts, in the normalised space, with a
 * margin on lattices and a categorical distribution per CATEGORICAL parameter; every call replays the search from
 * the request (generation-replay.ts) and hands out the next members of the current generation.
 */
export const cmaes: SuggestionAlgorithm<typeof cmaesSettings> = {
  name: 'cmaes',
  settings: cmaesSettings,
  randomState: (settings) => settings.randomState,
  suggest({ space, history, count, handedOut, rng, settings, experiment, used }) {
    const layout = new SpaceLayout(space);
    const replay = new GenerationReplay(layout, seedIdentity(experiment.name, settings.randomState), settings);
    const { run, next, omitted } = replay.replay(new TrialBook(history, handedOut));
    // An omitted member's point is not handed out again while the space has room for the batch without it.
    for (const point of omitted) if (used.remaining > count) used.add(point);
    const points: Point[] = [];
    for (let slot = 0; slot < count; slot++) {
      let point: Point | undefined;
      for (let attempt = 0; attempt < MEMBER_ATTEMPTS && point === undefined; attempt++) {
        const drawn = replay.draw(run, next + slot, attempt);
        if (used.add(drawn)) point = space.canonical(drawn);
      }
      points.push(point ?? used.takeRandom(rng));
    }
    return points;
  },
};
