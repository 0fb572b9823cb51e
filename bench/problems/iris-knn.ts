import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * A real training run: k-nearest-neighbours on the iris data set, scored by k-fold cross-validated accuracy.
 * Only exactly rounded operations (+, -, *, /, sqrt) touch the data, in the same order as iris_knn_accuracy in
 * bench/problems/problems.py, so both languages compute the very same accuracy.
 */
export interface IrisKnnConstants {
  dataset: { npmPackage: string; file: string };
  folds: number;
  featureWeightParameters: string[];
}

export interface IrisKnnSettings {
  neighbours: number;
  vote: 'uniform' | 'distance';
  /** One weight per feature, in the data set's column order, multiplying that feature's squared difference. */
  featureWeights: readonly number[];
}

export interface LabelledData {
  features: number[][];
  /** Class index of each row, classes numbered in order of first appearance. */
  labels: number[];
  classCount: number;
}

const datasets = new Map<string, LabelledData>();

/** The data set file named by the constants, read through Node's module resolution from this module's location. */
export function loadIris(constants: { dataset: IrisKnnConstants['dataset'] }): LabelledData {
  const specifier = `${constants.dataset.npmPackage}/${constants.dataset.file}`;
  let data = datasets.get(specifier);
  if (data === undefined) {
    const rows = JSON.parse(readFileSync(createRequire(import.meta.url).resolve(specifier), 'utf8')) as (number | string)[][];
    const classes: string[] = [];
    const labels = rows.map((row) => {
      const species = String(row[row.length - 1]);
      if (!classes.includes(species)) classes.push(species);
      return classes.indexOf(species);
    });
    data = { features: rows.map((row) => row.slice(0, -1).map(Number)), labels, classCount: classes.length };
    datasets.set(specifier, data);
  }
  return data;
}

/** Cross-validated accuracy: row i is held out in fold i mod `folds`; features standardised on each training fold. */
export function irisKnnAccuracy(data: LabelledData, settings: IrisKnnSettings, folds: number): number {
  let correct = 0;
  for (let fold = 0; fold < folds; fold++) {
    const trainRows = data.features.filter((_, i) => i % folds !== fold);
    const trainLabels = data.labels.filter((_, i) => i % folds !== fold);
    const scale = standardiser(trainRows);
    const train = trainRows.map(scale);
    data.features.forEach((row, i) => {
      if (i % folds !== fold) return;
      const predicted = predict(train, trainLabels, scale(row), settings, data.classCount);
      if (predicted === data.labels[i]) correct += 1;
    });
  }
  return correct / data.features.length;
}

/** Maps a row to z-scores with the training rows' mean and population standard deviation (1 when constant). */
export function standardiser(rows: readonly number[][]): (row: readonly number[]) => number[] {
  const columns = rows[0]!.length;
  const means: number[] = [];
  const deviations: number[] = [];
  for (let j = 0; j < columns; j++) {
    let sum = 0;
    for (const row of rows) sum += row[j]!;
    const mean = sum / rows.length;
    let squares = 0;
    for (const row of rows) squares += (row[j]! - mean) * (row[j]! - mean);
    const deviation = Math.sqrt(squares / rows.length);
    means.push(mean);
    deviations.push(deviation === 0 ? 1 : deviation);
  }
  return (row) => row.map((value, j) => (value - means[j]!) / deviations[j]!);
}

function predict(
  train: readonly number[][],
  trainLabels: readonly number[],
  query: readonly number[],
  settings: IrisKnnSettings,
  classCount: number,
): number {
  const neighbours = train
    .map((row, index) => {
      let distance = 0;
      for (let j = 0; j < query.length; j++) {
        const diff = query[j]! - row[j]!;
        distance += settings.featureWeights[j]! * diff * diff;
      }
      return { distance, index };
    })
    .sort((a, b) => a.distance - b.distance || a.index - b.index)
    .slice(0, settings.neighbours);
  const votes = new Array<number>(classCount).fill(0);
  // As in scikit-learn: with distance weighting, neighbours at distance 0 outvote everything else.
  const exact = neighbours.filter((neighbour) => neighbour.distance === 0);
  if (settings.vote === 'distance' && exact.length > 0) {
    for (const neighbour of exact) votes[trainLabels[neighbour.index]!]! += 1;
  } else {
    for (const neighbour of neighbours) {
      votes[trainLabels[neighbour.index]!]! += settings.vote === 'distance' ? 1 / Math.sqrt(neighbour.distance) : 1;
    }
  }
  let best = 0;
  for (let c = 1; c < classCount; c++) if (votes[c]! > votes[best]!) best = c;
  return best;
}
