import type { TrialObject } from './trial-conditions.js';

/**
 * The Kubernetes operations SetTrialStatus needs, so the handler is tested without a cluster and the Kubernetes
 * client stays in one module (kubernetes-trial-store.ts).
 */
export interface TrialStore {
  /** Where the trials live, for messages. */
  readonly namespace: string;
  /** The Trial object; a ServiceError NOT_FOUND when there is none. */
  get(name: string): Promise<TrialObject>;
  /** Writes `trial`'s status through the status subresource; a WriteConflict when it changed since it was read. */
  replaceStatus(name: string, trial: TrialObject): Promise<void>;
}

/** The object was changed by someone else since it was read (HTTP 409): read it again and retry. */
export class WriteConflict extends Error {
  constructor(name: string) {
    super(`trial ${name} changed while it was being updated`);
    this.name = 'WriteConflict';
  }
}
