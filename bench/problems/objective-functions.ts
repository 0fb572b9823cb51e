import type { ParameterValues } from './assignment-values.js';
import { divergingTrainingLoss, type DivergingConstants } from './diverging-training-loss.js';
import { cutAtBudget } from './budget-parameter.js';
import { katibObservation } from './katib-observation.js';
import { learningCurve, type LearningCurveConstants } from './learning-curve.js';
import { irisMlpCurve, type IrisMlpConstants } from './iris-mlp.js';
import { irisKnnAccuracy, loadIris, type IrisKnnConstants } from './iris-knn.js';
import { mixedTrainingLoss, type MixedConstants } from './mixed-training-loss.js';
import type { ProblemDefinition } from './problem-catalog.js';
import { ackley, branin, hartmann6, levy, rosenbrock, type AckleyConstants, type HartmannConstants } from './test-functions.js';

/** A problem's objective: parsed parameter values in, the metric value a trial would report out (inf when training diverges). */
export type Objective = (values: ParameterValues) => number;

/** A learning-curve problem's trial: parsed parameter values in, the objective after each epoch out. */
export type LearningCurve = (values: ParameterValues) => number[];

type ObjectiveFactory = (problem: ProblemDefinition) => Objective;

/** The problem's parameters, in declaration order, as numbers (for the vector-valued test functions). */
function vector(problem: ProblemDefinition, values: ParameterValues): number[] {
  return problem.parameters.map((parameter) => values[parameter.name] as number);
}

/** Formula name (a problem's `function`) -> how to build its objective from the problem's constants. */
const FACTORIES: Record<string, ObjectiveFactory> = {
  branin: () => (values) => branin(values['x1'] as number, values['x2'] as number),
  hartmann6: (problem) => (values) => hartmann6(vector(problem, values), problem.constants as HartmannConstants),
  rosenbrock: (problem) => (values) => rosenbrock(vector(problem, values)),
  levy: (problem) => (values) => levy(vector(problem, values)),
  ackley: (problem) => (values) => ackley(vector(problem, values), problem.constants as AckleyConstants),
  mixed: (problem) => (values) =>
    mixedTrainingLoss(
      values['learning_rate'] as number,
      values['width'] as number,
      values['optimizer'] as string,
      values['dropout'] as number,
      problem.constants as MixedConstants,
    ),
  diverging: (problem) => (values) =>
    divergingTrainingLoss(values['learning_rate'] as number, values['momentum'] as number, problem.constants as DivergingConstants),
  'iris-knn': (problem) => {
    const constants = problem.constants as IrisKnnConstants;
    const data = loadIris(constants);
    return (values) =>
      irisKnnAccuracy(
        data,
        {
          neighbours: values['n_neighbors'] as number,
          vote: values['vote'] as 'uniform' | 'distance',
          featureWeights: constants.featureWeightParameters.map((name) => values[name] as number),
        },
        constants.folds,
      );
  },
};

/** Formula name -> how to build the learning curve of a problem that reports one value per epoch. */
const CURVE_FACTORIES: Record<string, (problem: ProblemDefinition, epochs: number) => LearningCurve> = {
  'learning-curve': (problem, epochs) => (values) =>
    learningCurve(
      { learningRate: values['learning_rate'] as number, weightDecay: values['weight_decay'] as number, batchSize: values['batch_size'] as number },
      epochs,
      problem.constants as LearningCurveConstants,
    ),
  'iris-mlp': (problem, epochs) => {
    const constants = problem.constants as IrisMlpConstants;
    const data = loadIris(constants);
    return (values) =>
      irisMlpCurve(
        data,
        {
          learningRate: values['learning_rate'] as number,
          momentum: values['momentum'] as number,
          hiddenUnits: values['hidden_units'] as number,
          weightDecay: values['weight_decay'] as number,
        },
        epochs,
        constants,
      );
  },
};

/**
 * What a trial of the problem reports, in order: one value per epoch for a learning-curve problem, else the one
 * objective value.
 */
export function learningCurveFor(problem: ProblemDefinition): LearningCurve {
  const curve = CURVE_FACTORIES[problem.function];
  if (curve !== undefined) {
    if (problem.epochs === undefined) throw new Error(`problem "${problem.name}": formula "${problem.function}" needs epochs`);
    const everyEpoch = curve(problem, problem.epochs);
    if (problem.budgetParameter === undefined) return everyEpoch;
    // With a budget parameter in its values (problemFor), a trial trains only the epochs it was given.
    return (values) => cutAtBudget(problem, values, everyEpoch(values));
  }
  const objective = objectiveFor(problem);
  return (values) => [objective(values)];
}

/**
 * The problem's objective. For a learning-curve problem, the value Katib records for a trial that ran every
 * epoch: the best value it reported (the objective's default metric strategy).
 */
export function objectiveFor(problem: ProblemDefinition): Objective {
  if (CURVE_FACTORIES[problem.function] !== undefined) {
    const curve = learningCurveFor(problem);
    return (values) => katibObservation(problem.objective.type, curve(values))!;
  }
  const factory = FACTORIES[problem.function];
  if (factory === undefined) {
    throw new Error(`problem "${problem.name}": no formula named "${problem.function}"; known: ${[...Object.keys(FACTORIES), ...Object.keys(CURVE_FACTORIES)].join(', ')}`);
  }
  return factory(problem);
}
