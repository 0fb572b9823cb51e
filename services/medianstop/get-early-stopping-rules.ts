import { invalidRequest, quote } from '../../shared/errors/service-error.js';
import { parseObjective } from '../../shared/history/objective.js';
import type { GetEarlyStoppingRulesReply, GetEarlyStoppingRulesRequest, Trial } from '../../shared/wire/messages.js';
import { mapWithLimit } from './map-with-limit.js';
import { parseDbManagerAddress } from './db-manager/db-manager-address.js';
import type { ObservationLogSource } from './db-manager/db-manager-client.js';
import { earlyValue } from './rule/early-value.js';
import { EarlyValueCache } from './early-value-cache.js';
import { parseMedianStopSettings } from './rule/medianstop-settings.js';
import { medianStoppingRules } from './rule/median-stopping-rule.js';
import { inReportOrder } from './rule/metric-log.js';

/** Logs read from the DB manager at once: enough to overlap round trips, few enough not to flood it. */
const PARALLEL_READS = 8;

export interface RulesOutcome {
  reply: GetEarlyStoppingRulesReply;
  /** SUCCEEDED trials in the request. */
  succeeded: number;
  /** Of those, the trials with an early value (the rule's sample). */
  averaged: number;
  /** Log values and time stamps that could not be used, for the service's log. */
  warnings: string[];
}

export interface RulesDependencies {
  logs: ObservationLogSource;
  cache?: EarlyValueCache;
}

/**
 * GetEarlyStoppingRules: a function of the request and of the succeeded trials' logs, which are final, so the
 * same request gets the same rule from any replica at any time.
 */
export async function getEarlyStoppingRules(request: GetEarlyStoppingRulesRequest, deps: RulesDependencies): Promise<RulesOutcome> {
  const experiment = request.experiment;
  if (!experiment) throw invalidRequest('experiment is missing; expected the experiment the rules are for');
  const settings = parseMedianStopSettings(experiment.spec?.early_stopping, 'experiment.spec.early_stopping');
  const objective = parseObjective(experiment);
  const address = parseDbManagerAddress(request.db_manager_address);
  const succeeded = request.trials.filter((trial) => trial.status?.condition === 'SUCCEEDED');
  const warnings: string[] = [];
  if (succeeded.length < settings.minTrialsRequired) {
    // Not even every succeeded trial having an early value would be enough: no need to read a single log.
    return { reply: { early_stopping_rules: [] }, succeeded: succeeded.length, averaged: 0, warnings };
  }

  const earlyValueOf = async (trial: Trial): Promise<number | undefined> => {
    const key = EarlyValueCache.key({
      address,
      trialName: trial.name,
      startTime: trial.status?.start_time ?? '',
      completionTime: trial.status?.completion_time ?? '',
      metricName: objective.metricName,
      startStep: settings.startStep,
      kind: settings.earlyValue,
      direction: objective.direction,
    });
    const cached = deps.cache?.get(key);
    if (cached !== undefined) return cached;
    const log = inReportOrder(await deps.logs.read(address, trial.name, objective.metricName));
    const result = earlyValue(log.values, settings.startStep, settings.earlyValue, objective.direction);
    const metric = quote(objective.metricName);
    if (log.unreadableTimeStamps.length > 0) {
      warnings.push(
        `trial ${quote(trial.name)}: ${log.unreadableTimeStamps.length} value(s) of ${metric} have unreadable time stamps (first: ${quote(log.unreadableTimeStamps[0])}); they count as reported last`,
      );
    }
    for (const value of result.skipped) {
      warnings.push(`trial ${quote(trial.name)}: value ${quote(value)} of ${metric} is not a finite number; skipped`);
    }
    if (result.value === undefined) {
      warnings.push(`trial ${quote(trial.name)}: no finite value of ${metric} in its log; left out of the rule`);
      return undefined;
    }
    deps.cache?.set(key, result.value);
    return result.value;
  };

  const values = (await mapWithLimit(succeeded, PARALLEL_READS, earlyValueOf)).filter((value): value is number => value !== undefined);
  return {
    reply: { early_stopping_rules: medianStoppingRules(values, objective, settings) },
    succeeded: succeeded.length,
    averaged: values.length,
    warnings,
  };
}
