import { parseDecimal } from '../../../shared/space/numbers.js';

/** What a trial's first reported values amount to. */
export interface EarlyAverage {
  /** Mean of the first `startStep` finite values, or undefined when the log has none. */
  average: number | undefined;
  /** Values met before `startStep` finite ones were found that are not finite numbers; they are left out. */
  skipped: string[];
}

/**
 * The running average of a trial's first `startStep` values, in the order they were reported. A value that is
 * not a finite number (a training script can print anything) does not take a step; the next one does.
 */
export function earlyAverage(valuesInOrder: readonly string[], startStep: number): EarlyAverage {
  let mean = 0;
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
  }
  const average = count > 0 && Number.isFinite(mean) ? mean : undefined;
  return { average, skipped };
}
