/**
 * A validation loss whose training diverges: above `divergesAbove` the learning rate blows the loss up to inf,
 * as a training script reports it when its loss overflows. Below, a smooth bowl over log10(learning rate) and
 * momentum. Written like diverging_training_loss in bench/problems/problems.py.
 */
export interface DivergingConstants {
  divergesAbove: number;
  bestLog10LearningRate: number;
  learningRateCurvature: number;
  bestMomentum: number;
  momentumCurvature: number;
}

export function divergingTrainingLoss(learningRate: number, momentum: number, constants: DivergingConstants): number {
  if (learningRate > constants.divergesAbove) return Infinity;
  const learningRateError = Math.log10(learningRate) - constants.bestLog10LearningRate;
  const momentumError = momentum - constants.bestMomentum;
  return constants.learningRateCurvature * learningRateError * learningRateError + constants.momentumCurvature * momentumError * momentumError;
}
