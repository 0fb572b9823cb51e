import { LruMap } from './lru-map.js';
import type { EarlyValueKind } from './rule/medianstop-settings.js';

/**
 * Early values already computed, keyed by everything they are a function of: the DB manager, the trial's
 * identity (name, start and completion time, so a recreated experiment that reuses names misses), the metric,
 * `start_step`, what the value is (`early_value`) and, for the best value, the objective's direction. Only
 * SUCCEEDED trials are cached, whose logs are final. The service answers the same without it; it saves reading
 * every finished trial's log again on each call.
 */
export class EarlyValueCache {
  private readonly entries: LruMap<string, number>;

  constructor(capacity = 10_000) {
    this.entries = new LruMap(capacity);
  }

  static key(parts: {
    address: string;
    trialName: string;
    startTime: string;
    completionTime: string;
    metricName: string;
    startStep: number;
    kind: EarlyValueKind;
    direction: 'minimize' | 'maximize';
  }): string {
    return JSON.stringify([parts.address, parts.trialName, parts.startTime, parts.completionTime, parts.metricName, parts.startStep, parts.kind, parts.direction]);
  }

  get(key: string): number | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: number): void {
    this.entries.set(key, value);
  }

  get size(): number {
    return this.entries.size;
  }
}
