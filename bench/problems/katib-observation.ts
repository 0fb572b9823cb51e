/**
 * The objective value Katib records for a trial from every value it reported: by default the lowest when
 * minimising and the highest when maximising (the objective's metric strategy, `min` / `max`, set by the
 * Experiment's defaulting), taken as the trial controller's getMetrics takes it: the first value starts both the
 * minimum and the maximum, and a later value replaces one of them only when it compares below or above it. So a
 * NaN reported first stays (no comparison with it holds) and a NaN reported later is never taken. Undefined
 * when nothing was reported.
 */
export function katibObservation(direction: 'minimize' | 'maximize', reported: readonly number[]): number | undefined {
  if (reported.length === 0) return undefined;
  let min = reported[0]!;
  let max = reported[0]!;
  for (const value of reported.slice(1)) {
    if (value < min) min = value;
    else if (value > max) max = value;
  }
  return direction === 'minimize' ? min : max;
}
