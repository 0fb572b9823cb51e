import type { TrialHistory } from '../history/trial-history.js';
import type { Point, SearchSpace } from '../space/search-space.js';

/**
 * `count` points to hand out again, for when the search space has no unused assignment left. Katib cannot be told
 * that a space is exhausted: it retries a failed GetSuggestions for ever, and a reply with fewer assignments
 * than requested is an error too. So the Experiment goes on, re-evaluating its best assignments: completed
 * trials from the lowest loss up, then pending ones, then this call's own points, then failed ones; cycling
 * when the batch is longer than that list.
 */
export function repeatAssignments(space: SearchSpace, history: TrialHistory, batch: readonly Point[], count: number): Point[] {
  const ranked = [
    ...[...history.completed].sort((a, b) => a.loss - b.loss).map((trial) => trial.point),
    ...history.pending.map((trial) => trial.point),
    ...batch,
    ...history.failed.map((trial) => trial.point),
  ];
  const seen = new Set<string>();
  const candidates = ranked.filter((point) => {
    const key = space.key(point);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (candidates.length === 0) return [];
  return Array.from({ length: count }, (_, i) => candidates[i % candidates.length]!);
}
