import { createHash } from 'node:crypto';

/**
 * A parametric family of learning curves: the validation loss a training run reports after each epoch, as a
 * function of its learning rate, weight decay and batch size. Written like learning_curve in
 * bench/problems/problems.py, operation for operation.
 *
 * After epoch t the loss is floor + (initialLoss - floor) * exp(-speed * t): it starts at initialLoss and
 * decays towards its floor at a rate `speed`. The constants of a problem pick the family's shape:
 * - speed grows with the learning rate by `speedPerDecade` (1: ten times the learning rate, ten times the speed)
 *   and with smaller batches by `batchSizeExponent`; with both 0 every run learns equally fast, and the ranking
 *   of runs after any epoch is their final one;
 * - the floor grows with the learning rate by `floorPerLearningRate` (fast starters plateau high), has a best
 *   learning rate on a log scale (`learningRateCurvature`) and a best weight decay (`weightDecayCurvature`);
 * - `noise`: each reported value's distance to `floorBase` is multiplied by exp(sigma * z), z a standard normal
 *   drawn from a hash of the run's values and the epoch (the same run always reports the same curve);
 * - `divergence`: a learning rate above `above` trains for `onsetEpochs` epochs, then its loss overflows and
 *   every later epoch reports inf.
 */
export interface LearningCurveConstants {
  initialLoss: number;
  floorBase: number;
  speedAtReference: number;
  referenceLog10LearningRate: number;
  speedPerDecade: number;
  /** Batches this size learn at speedAtReference; speed scales with (referenceBatchSize / batch_size)^batchSizeExponent. */
  referenceBatchSize: number;
  batchSizeExponent: number;
  floorPerLearningRate: number;
  learningRateCurvature: number;
  bestLog10LearningRate: number;
  weightDecayCurvature: number;
  bestLog10WeightDecay: number;
  noise?: { sigma: number };
  divergence?: { above: number; onsetEpochs: number };
}

export interface LearningCurveSettings {
  learningRate: number;
  weightDecay: number;
  batchSize: number;
}

/** The loss reported after each of `epochs` epochs. */
export function learningCurve(settings: LearningCurveSettings, epochs: number, constants: LearningCurveConstants): number[] {
  const log10LearningRate = Math.log10(settings.learningRate);
  const speed =
    constants.speedAtReference *
    10 ** (constants.speedPerDecade * (log10LearningRate - constants.referenceLog10LearningRate)) *
    (constants.referenceBatchSize / settings.batchSize) ** constants.batchSizeExponent;
  const learningRateError = log10LearningRate - constants.bestLog10LearningRate;
  const weightDecayError = Math.log10(settings.weightDecay) - constants.bestLog10WeightDecay;
  const floor =
    constants.floorBase +
    constants.floorPerLearningRate * settings.learningRate +
    constants.learningRateCurvature * learningRateError * learningRateError +
    constants.weightDecayCurvature * weightDecayError * weightDecayError;
  const diverges = constants.divergence !== undefined && settings.learningRate > constants.divergence.above;
  const curve: number[] = [];
  for (let epoch = 1; epoch <= epochs; epoch++) {
    if (diverges && epoch > constants.divergence!.onsetEpochs) {
      curve.push(Infinity);
      continue;
    }
    let loss = floor + (constants.initialLoss - floor) * Math.exp(-speed * epoch);
    if (constants.noise !== undefined) {
      loss = constants.floorBase + (loss - constants.floorBase) * Math.exp(constants.noise.sigma * standardNormal(settings, epoch));
    }
    curve.push(loss);
  }
  return curve;
}

/**
 * A standard normal number for one run and epoch (Box-Muller on two uniforms from SHA-256 of the settings'
 * IEEE 754 bytes, so that both languages hash the very same bytes).
 */
function standardNormal(settings: LearningCurveSettings, epoch: number): number {
  const bytes = Buffer.alloc(24);
  bytes.writeDoubleLE(settings.learningRate, 0);
  bytes.writeDoubleLE(settings.weightDecay, 8);
  bytes.writeDoubleLE(settings.batchSize, 16);
  const digest = createHash('sha256').update(`noise:${epoch}:`).update(bytes).digest();
  // (n + 1) / (2^32 + 1): never 0, so the logarithm is finite.
  const u1 = (digest.readUInt32LE(0) + 1) / 4294967297;
  const u2 = digest.readUInt32LE(4) / 4294967296;
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
