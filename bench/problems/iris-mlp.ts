import { createHash } from 'node:crypto';
import { standardiser, type LabelledData } from './iris-knn.js';
import { portableExp, portableLog, portableTanh } from './portable-math.js';

/**
 * A real training run with epochs: a one-hidden-layer perceptron (tanh units, softmax output) trained by
 * mini-batch SGD with momentum and weight decay on the iris data set, reporting the validation cross-entropy
 * after each epoch. exp, log and tanh are portable-math.ts's, so that a chaotic run is the same run in both
 * languages. Written like iris_mlp_curve in bench/problems/problems.py, operation for operation, so that
 * both languages train the very same network.
 */
export interface IrisMlpConstants {
  dataset: { npmPackage: string; file: string };
  /** Row i is a validation row when i mod validationEvery = 0; the others are trained on. */
  validationEvery: number;
  batchSize: number;
}

export interface IrisMlpSettings {
  learningRate: number;
  momentum: number;
  hiddenUnits: number;
  weightDecay: number;
}

interface Layer {
  /** weights[out][in] */
  weights: number[][];
  biases: number[];
}

/** The validation loss after each of `epochs` epochs; Infinity from the epoch where training overflowed on. */
export function irisMlpCurve(data: LabelledData, settings: IrisMlpSettings, epochs: number, constants: IrisMlpConstants): number[] {
  const trainRows = data.features.filter((_, i) => i % constants.validationEvery !== 0);
  const trainLabels = data.labels.filter((_, i) => i % constants.validationEvery !== 0);
  const scale = standardiser(trainRows);
  const train = trainRows.map(scale);
  const validation = data.features.filter((_, i) => i % constants.validationEvery === 0).map(scale);
  const validationLabels = data.labels.filter((_, i) => i % constants.validationEvery === 0);
  const inputs = train[0]!.length;
  const hidden = initialLayer(1, settings.hiddenUnits, inputs);
  const output = initialLayer(2, data.classCount, settings.hiddenUnits);
  const hiddenVelocity = zeroLike(hidden);
  const outputVelocity = zeroLike(output);
  const curve: number[] = [];
  let diverged = false;
  for (let epoch = 1; epoch <= epochs; epoch++) {
    if (diverged) {
      curve.push(Infinity);
      continue;
    }
    const order = epochOrder(epoch, train.length);
    for (let start = 0; start < order.length; start += constants.batchSize) {
      const batch = order.slice(start, start + constants.batchSize);
      const hiddenGradient = zeroLike(hidden);
      const outputGradient = zeroLike(output);
      for (const row of batch) backpropagate(hidden, output, train[row]!, trainLabels[row]!, hiddenGradient, outputGradient);
      step(hidden, hiddenGradient, hiddenVelocity, batch.length, settings);
      step(output, outputGradient, outputVelocity, batch.length, settings);
    }
    const loss = meanLoss(hidden, output, validation, validationLabels);
    // Once the weights overflow, training cannot recover: the script reports inf for every later epoch.
    diverged = !Number.isFinite(loss);
    curve.push(diverged ? Infinity : loss);
  }
  return curve;
}

/** Weights uniform in (-1, 1) / sqrt(fan-in) from SHA-256 of their position; biases 0. */
function initialLayer(layer: number, outputs: number, inputs: number): Layer {
  const bound = 1 / Math.sqrt(inputs);
  const weights = Array.from({ length: outputs }, (_, i) =>
    Array.from({ length: inputs }, (_, j) => (hashUnit(`iris-mlp:init:${layer}:${i}:${j}`) * 2 - 1) * bound),
  );
  return { weights, biases: new Array<number>(outputs).fill(0) };
}

function zeroLike(layer: Layer): Layer {
  return { weights: layer.weights.map((row) => row.map(() => 0)), biases: layer.biases.map(() => 0) };
}

/** The training rows of one epoch in a fixed pseudo-random order: sorted by a hash of (epoch, row). */
function epochOrder(epoch: number, rows: number): number[] {
  const keys = Array.from({ length: rows }, (_, row) => hashUInt32(`iris-mlp:order:${epoch}:${row}`));
  return Array.from({ length: rows }, (_, row) => row).sort((a, b) => keys[a]! - keys[b]! || a - b);
}

function hashUInt32(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0);
}

function hashUnit(text: string): number {
  return hashUInt32(text) / 4294967296;
}

interface Forward {
  activations: number[];
  /** Output scores minus their maximum. */
  shifted: number[];
  sum: number;
}

function forward(hidden: Layer, output: Layer, x: readonly number[]): Forward {
  const activations = hidden.weights.map((row, j) => {
    let z = hidden.biases[j]!;
    for (let k = 0; k < x.length; k++) z += row[k]! * x[k]!;
    return portableTanh(z);
  });
  const scores = output.weights.map((row, c) => {
    let o = output.biases[c]!;
    for (let j = 0; j < activations.length; j++) o += row[j]! * activations[j]!;
    return o;
  });
  let max = scores[0]!;
  for (const score of scores) if (score > max) max = score;
  const shifted = scores.map((score) => score - max);
  let sum = 0;
  for (const value of shifted) sum += portableExp(value);
  return { activations, shifted, sum };
}

/** Adds one row's gradient of the cross-entropy to the two layers' gradients. */
function backpropagate(hidden: Layer, output: Layer, x: readonly number[], label: number, hiddenGradient: Layer, outputGradient: Layer): void {
  const { activations, shifted, sum } = forward(hidden, output, x);
  const outputDelta = shifted.map((value, c) => portableExp(value) / sum - (c === label ? 1 : 0));
  for (let c = 0; c < outputDelta.length; c++) {
    for (let j = 0; j < activations.length; j++) outputGradient.weights[c]![j]! += outputDelta[c]! * activations[j]!;
    outputGradient.biases[c]! += outputDelta[c]!;
  }
  for (let j = 0; j < activations.length; j++) {
    let back = 0;
    for (let c = 0; c < outputDelta.length; c++) back += output.weights[c]![j]! * outputDelta[c]!;
    const delta = back * (1 - activations[j]! * activations[j]!);
    for (let k = 0; k < x.length; k++) hiddenGradient.weights[j]![k]! += delta * x[k]!;
    hiddenGradient.biases[j]! += delta;
  }
}

/** One SGD step with momentum; weight decay on the weights, not the biases. */
function step(layer: Layer, gradient: Layer, velocity: Layer, batchRows: number, settings: IrisMlpSettings): void {
  layer.weights.forEach((row, i) => {
    for (let j = 0; j < row.length; j++) {
      const g = gradient.weights[i]![j]! / batchRows + settings.weightDecay * row[j]!;
      velocity.weights[i]![j] = settings.momentum * velocity.weights[i]![j]! - settings.learningRate * g;
      row[j] = row[j]! + velocity.weights[i]![j]!;
    }
  });
  for (let i = 0; i < layer.biases.length; i++) {
    const g = gradient.biases[i]! / batchRows;
    velocity.biases[i] = settings.momentum * velocity.biases[i]! - settings.learningRate * g;
    layer.biases[i] = layer.biases[i]! + velocity.biases[i]!;
  }
}

/** Mean cross-entropy over the rows: log(sum of exp) minus the true class's shifted score. */
function meanLoss(hidden: Layer, output: Layer, rows: readonly number[][], labels: readonly number[]): number {
  let total = 0;
  rows.forEach((x, i) => {
    const { shifted, sum } = forward(hidden, output, x);
    total += portableLog(sum) - shifted[labels[i]!]!;
  });
  return total / rows.length;
}
