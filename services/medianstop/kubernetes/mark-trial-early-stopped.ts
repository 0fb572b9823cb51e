import { invalidRequest, quote, writeContention } from '../../../shared/errors/service-error.js';
import { earlyStoppedCondition, withEarlyStoppedCondition } from './trial-conditions.js';
import { WriteConflict, type TrialStore } from './trial-store.js';

/** Read-modify-write rounds tried while other writers (the trial controller) keep changing the trial. */
const MAX_WRITE_ATTEMPTS = 5;

// A Kubernetes object name: a DNS-1123 subdomain.
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** SetTrialStatus's trial_name, checked before anything is asked of Kubernetes. */
export function parseTrialName(text: string): string {
  if (text.length > 253 || !OBJECT_NAME.test(text)) {
    throw invalidRequest(`trial_name ${quote(text)} is not a Kubernetes object name; expected lowercase letters, digits, '-' and '.', at most 253 characters`);
  }
  return text;
}

export type MarkOutcome = 'marked' | 'already-marked';

/**
 * SetTrialStatus: adds the EarlyStopped condition to the named Trial. The write carries the resourceVersion that
 * was read, so a concurrent change makes it fail with a conflict instead of being overwritten; the trial is then
 * read again and the condition applied to the fresh copy.
 */
export async function markTrialEarlyStopped(store: TrialStore, trialName: string, now: () => Date): Promise<MarkOutcome> {
  for (let attempt = 1; attempt <= MAX_WRITE_ATTEMPTS; attempt++) {
    const trial = await store.get(trialName);
    const updated = withEarlyStoppedCondition(trial, earlyStoppedCondition(now()));
    if (updated === undefined) return 'already-marked';
    try {
      await store.replaceStatus(trialName, updated);
      return 'marked';
    } catch (error) {
      if (!(error instanceof WriteConflict)) throw error;
    }
  }
  throw writeContention(
    `trial ${quote(trialName)} in namespace ${quote(store.namespace)} changed during each of ${MAX_WRITE_ATTEMPTS} attempts to mark it early stopped; retry`,
  );
}
