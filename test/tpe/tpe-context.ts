import { UsedPoints } from '../../shared/algorithm/used-points.js';
import type { SuggestContext } from '../../shared/algorithm/suggestion-algorithm.js';
import type { CompletedTrial, HistoryTrial, TrialHistory } from '../../shared/history/trial-history.js';
import { rngFromText } from '../../shared/random/seed.js';
import { parseSettings } from '../../shared/settings/settings-schema.js';
import type { Point, SearchSpace } from '../../shared/space/search-space.js';
import { tpeSettings, type TpeSettings } from '../../services/tpe/tpe-settings.js';

/** Trials for an in-process context, given as encoded points. */
export interface TrialsInput {
  completed?: { point: Point; loss: number }[];
  pending?: Point[];
  failed?: Point[];
}

/** A SuggestContext as the shared pipeline would build it, for calling the algorithms directly. */
export function tpeContext(space: SearchSpace, trials: TrialsInput, count: number, seed: string, settings: Record<string, string> = {}): SuggestContext<TpeSettings> {
  let index = 0;
  const place = (point: Point): HistoryTrial => {
    const canonical = space.canonical(point);
    return { name: `trial-${index++}`, point: canonical, key: space.key(canonical) };
  };
  const completed: CompletedTrial[] = (trials.completed ?? []).map(({ point, loss }) => ({ ...place(point), loss, diverged: false }));
  const pending = (trials.pending ?? []).map(place);
  const failed = (trials.failed ?? []).map(place);
  const history: TrialHistory = {
    completed,
    pending,
    failed,
    usedKeys: new Set([...completed, ...pending, ...failed].map((trial) => trial.key)),
    warnings: [],
  };
  return {
    space,
    history,
    count,
    handedOut: completed.length + pending.length + failed.length,
    rng: rngFromText(seed),
    settings: parseSettings(tpeSettings, Object.entries(settings).map(([name, value]) => ({ name, value })), 'test'),
    experiment: { name: 'in-process', objective: { metricName: 'loss', direction: 'minimize' }, maxTrialCount: 0 },
    used: new UsedPoints(space, history.usedKeys),
  };
}
