/** A condition of a Katib Trial's status, as the trials.kubeflow.org/v1beta1 CRD stores it. */
export interface TrialCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
}

/** The parts of a Trial object this service reads; everything else is carried through a write unchanged. */
export interface TrialObject {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string; [field: string]: unknown };
  status?: { conditions?: TrialCondition[]; [field: string]: unknown };
  [field: string]: unknown;
}

export const EARLY_STOPPED = 'EarlyStopped';
export const EARLY_STOPPED_REASON = 'TrialEarlyStopped';
export const EARLY_STOPPED_MESSAGE = 'Trial is early stopped: its objective was worse than the median stopping rule allows';

/** Kubernetes times are RFC 3339 to the second. */
export function kubernetesTime(at: Date): string {
  return at.toISOString().replace(/\.\d+Z$/, 'Z');
}

/** The condition Katib's trial controller recognises as "stopped by an early-stopping rule". */
export function earlyStoppedCondition(at: Date): TrialCondition {
  const time = kubernetesTime(at);
  return {
    type: EARLY_STOPPED,
    status: 'True',
    reason: EARLY_STOPPED_REASON,
    message: EARLY_STOPPED_MESSAGE,
    lastUpdateTime: time,
    lastTransitionTime: time,
  };
}

/**
 * The trial with `condition` in its status, or undefined when it already says EarlyStopped=True (the controller
 * may call SetTrialStatus again for the same trial; a second condition would only be noise). Conditions are keyed
 * by type, so an EarlyStopped condition with another status is replaced; otherwise the condition is appended.
 */
export function withEarlyStoppedCondition(trial: TrialObject, condition: TrialCondition): TrialObject | undefined {
  const conditions = trial.status?.conditions ?? [];
  const existing = conditions.findIndex((entry) => entry.type === EARLY_STOPPED);
  if (existing >= 0 && conditions[existing]!.status === 'True') return undefined;
  const updated = existing >= 0 ? conditions.map((entry, index) => (index === existing ? condition : entry)) : [...conditions, condition];
  return { ...trial, status: { ...trial.status, conditions: updated } };
}
