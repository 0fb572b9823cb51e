import { invalidRequest, quote } from '../errors/service-error.js';
import type { Experiment } from '../wire/messages.js';

/** What the experiment optimises. Algorithms see only losses: smaller is always better. */
export interface Objective {
  metricName: string;
  direction: 'minimize' | 'maximize';
}

export function parseObjective(experiment: Experiment): Objective {
  const objective = experiment.spec?.objective;
  if (!objective) throw invalidRequest('experiment.spec.objective is missing; expected an objective with type and objective_metric_name');
  if (objective.type !== 'MINIMIZE' && objective.type !== 'MAXIMIZE') {
    throw invalidRequest(`experiment.spec.objective.type ${quote(objective.type)} is not supported; expected MINIMIZE or MAXIMIZE`);
  }
  if (objective.objective_metric_name.trim() === '') {
    throw invalidRequest('experiment.spec.objective.objective_metric_name is empty; expected the name of the metric to optimise');
  }
  return { metricName: objective.objective_metric_name, direction: objective.type === 'MINIMIZE' ? 'minimize' : 'maximize' };
}

/** The loss to minimise for an objective value. */
export function lossOf(value: number, objective: Objective): number {
  return objective.direction === 'minimize' ? value : -value;
}
