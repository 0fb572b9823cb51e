import { parseDecimal } from '../../../shared/space/numbers.js';
import type { EarlyValueKind } from './medianstop-settings.js';

/** What a trial's first reported values amount to. */
export interface EarlyValue {
  /** Mean (or best) of the first `startStep` finite values, or undefined when the log has none. */
  value: number | undefined;
  /** Values met before `startStep` finite ones were found that are not finite numbers; they are left out. */
  skipped: string[];
}

/**
 * A trial's first `startStep` values, in the order they were reported, reduced to one: their running average, or
 * the best of them (the lowest when minimising). A value that is not a finite number (a training script can print
 * anything) does not take a step; the next one does.
 */
export function earlyValue(valuesInOrder: readonly string[], startStep: number, kind: EarlyValueKind, direction: 'minimize' | 'maximize'): EarlyValue {
  let mean = 0;
  let best: number | undefined;
  let count = 0;
  const skipped: string[] = [];
  for (const text of valuesInOrder) {
    if (count === startStep) break;
    const value = parseDecimal(text);
    if (value === undefined) {
      skipped.push(text);
      continue;
    }
    count++;
    // An incremental mean stays finite where a plain sum of huge values would overflow.
    mean += (value - mean) / count;
    if (best === undefined || (direction === 'minimize' ? value < best : value > best)) best = value;
  }
  if (count === 0) return { value: undefined, skipped };
  if (kind === 'best') return { value: best, skipped };
  return { value: Number.isFinite(mean) ? mean : undefined, skipped };
}
