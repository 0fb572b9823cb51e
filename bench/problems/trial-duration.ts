import { createHash } from 'node:crypto';
import type { TrialDurationDefinition } from './problem-catalog.js';

/**
 * How long the simulated trial number `trial` (1-based, in creation order) of a problem and seed runs, in
 * whole seconds. A hash rather than a generator's stream, so that the Python baselines reproduce it with the
 * standard library alone (trial_duration in bench/problems/problems.py), and every target of a benchmark sees
 * the same schedule of completions.
 */
export function trialDurationSeconds(definition: TrialDurationDefinition, problem: string, seed: number, trial: number): number {
  const digest = createHash('sha256').update(`duration:${problem}:${seed}:${trial}`).digest();
  const span = definition.maxSeconds - definition.minSeconds + 1;
  return definition.minSeconds + (digest.readUInt32LE(0) % span);
}
