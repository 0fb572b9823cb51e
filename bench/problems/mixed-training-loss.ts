/**
 * A synthetic validation loss over every Katib parameter kind, shaped like a real training run: each optimizer
 * has its own best learning rate (on a log scale) and a fixed penalty, the width has a best size, and the best
 * dropout grows with the width. Written like mixed_training_loss in bench/problems/problems.py.
 */
export interface MixedConstants {
  optimizers: Record<string, { offset: number; bestLog10LearningRate: number }>;
  learningRateCurvature: number;
  bestLog2Width: number;
  widthCurvature: number;
  dropoutCurvature: number;
  dropoutPerLog2Width: number;
  log2WidthWithoutDropout: number;
  maxBestDropout: number;
}

export function mixedTrainingLoss(
  learningRate: number,
  width: number,
  optimizer: string,
  dropout: number,
  constants: MixedConstants,
): number {
  const chosen = constants.optimizers[optimizer];
  if (chosen === undefined) throw new Error(`mixed: unknown optimizer "${optimizer}"`);
  const learningRateError = Math.log10(learningRate) - chosen.bestLog10LearningRate;
  const log2Width = Math.log2(width);
  const widthError = log2Width - constants.bestLog2Width;
  const bestDropout = Math.min(
    Math.max(constants.dropoutPerLog2Width * (log2Width - constants.log2WidthWithoutDropout), 0),
    constants.maxBestDropout,
  );
  const dropoutError = dropout - bestDropout;
  return (
    chosen.offset +
    constants.learningRateCurvature * learningRateError * learningRateError +
    constants.widthCurvature * widthError * widthError +
    constants.dropoutCurvature * dropoutError * dropoutError
  );
}
