import type { SuggestionAlgorithm } from '../../shared/algorithm/suggestion-algorithm.js';
import { seedIdentity } from '../../shared/random/seed.js';
import type { Point } from '../../shared/space/search-space.js';
import { cmaesSettings } from './cmaes-settings.js';
import { DRAW_ATTEMPTS, GenerationReplay } from './generation-replay.js';
import { SpaceLayout } from './space-layout.js';
import { TrialBook } from './trial-book.js';

/**
 * CMA-ES (Hansen's tutorial, arXiv:1604.00772) with IPOP or BIPOP restarts, in the normalised space, with a
 * margin on lattices and a categorical distribution per CATEGORICAL parameter; every call replays the search from
 * the request (generation-replay.ts) and draws the call's positions (the experiment's assignments handed out so
 * far, and on) from the current generation.
 */
export const cmaes: SuggestionAlgorithm<typeof cmaesSettings> = {
  name: 'cmaes',
  settings: cmaesSettings,
  randomState: (settings) => settings.randomState,
  suggest({ space, history, count, handedOut, rng, settings, experiment, used }) {
    const layout = new SpaceLayout(space);
    const replay = new GenerationReplay(layout, seedIdentity(experiment.name, settings.randomState), settings);
    const { run, unseen } = replay.replay(new TrialBook(history), handedOut);
    // A point handed out that the request does not show (a trial left out, or one Katib has created but not yet
    // listed) is not handed out again while the space has room for the batch without it; the latest first.
    for (const point of unseen) if (used.remaining > count) used.add(point);
    const points: Point[] = [];
    for (let slot = 0; slot < count; slot++) {
      let point: Point | undefined;
      for (let attempt = 0; attempt < DRAW_ATTEMPTS && point === undefined; attempt++) {
        const drawn = replay.draw(run, handedOut + slot, attempt);
        if (used.add(drawn)) point = space.canonical(drawn);
      }
      points.push(point ?? used.takeRandom(rng));
    }
    return points;
  },
};
