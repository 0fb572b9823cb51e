/**
 * Writes bench/problems/test-points.json: points at which the TypeScript and the Python problem code must
 * agree. Literature points (known optima and hand-checked values) carry their source and a tolerance; the
 * sampled points carry this implementation's value, which the Python check then confirms independently.
 * Run after changing a formula: node dist/bench/problems/write-test-points.js
 */
import { writeFileSync } from 'node:fs';
import { rngFromText } from '../../shared/random/seed.js';
import { parseAssignmentValues } from './assignment-values.js';
import { learningCurveFor, objectiveFor } from './objective-functions.js';
import { loadCatalog, type ProblemDefinition } from './problem-catalog.js';
import { randomAssignments } from './random-assignment.js';
import { jsonNumber, TEST_POINTS_FILE, type TestPoint, type TestPoints } from './test-points.js';
import { trialDurationSeconds } from './trial-duration.js';

/** Relative tolerance for sampled points: both languages should agree to the last few bits. */
const SAMPLED_TOLERANCE = 1e-12;
const SAMPLED_POINTS_PER_PROBLEM = 6;

const LITERATURE_POINTS: TestPoint[] = [
  literature('branin', { x1: String(-Math.PI), x2: '12.275' }, 0.397887, 1e-6, 'global minimum (Dixon and Szego 1978)'),
  literature('branin', { x1: String(Math.PI), x2: '2.275' }, 0.397887, 1e-6, 'global minimum (Dixon and Szego 1978)'),
  literature('branin', { x1: '9.42478', x2: '2.475' }, 0.397887, 1e-6, 'global minimum (Dixon and Szego 1978)'),
  literature('branin', { x1: '0', x2: '0' }, 56 - 10 / (8 * Math.PI), 1e-12, 'by hand: 36 + 10 (1 - 1/(8 pi)) + 10'),
  literature(
    'hartmann6',
    { x1: '0.20169', x2: '0.150011', x3: '0.476874', x4: '0.275332', x5: '0.311652', x6: '0.6573' },
    -3.32237,
    1e-6,
    'global minimum (Surjanovic and Bingham, Virtual Library of Simulation Experiments)',
  ),
  literature('rosenbrock4', { x1: '1', x2: '1', x3: '1', x4: '1' }, 0, 1e-12, 'global minimum'),
  literature('rosenbrock4', { x1: '0', x2: '0', x3: '0', x4: '0' }, 3, 1e-12, 'by hand: three terms of (0 - 1)^2'),
  literature('levy5', { x1: '1', x2: '1', x3: '1', x4: '1', x5: '1' }, 0, 1e-12, 'global minimum'),
  literature('ackley5', { x1: '0', x2: '0', x3: '0', x4: '0', x5: '0' }, 0, 1e-12, 'global minimum'),
  literature('mixed', { learning_rate: '0.001', width: '128', optimizer: 'adam', dropout: '0.2' }, 0, 1e-12, 'minimum by construction'),
  literature(
    'mixed',
    { learning_rate: '0.1', width: '1024', optimizer: 'sgd', dropout: '0' },
    0.08 + 0.15 * 0.25 + 0.04 * 9 + 2 * 0.25,
    1e-12,
    'by hand: offset 0.08 + 0.15 (0.5)^2 + 0.04 (3)^2 + 2 (0.5)^2',
  ),
  literature('diverging', { learning_rate: String(10 ** -2.5), momentum: '0.9' }, 0, 1e-12, 'minimum by construction'),
  literature('diverging', { learning_rate: '0.01', momentum: '0.5' }, 0.15 * 0.25 + 0.16, 1e-12, 'by hand, the last rate that trains: 0.15 (0.5)^2 + (0.4)^2'),
  literature('diverging', { learning_rate: '0.0100001', momentum: '0.9' }, 'inf', 0, 'by construction: above 0.01 training diverges'),
  literature(
    'curves-ranked',
    { learning_rate: '0.01', weight_decay: '0.0001', batch_size: '200' },
    0.2 + 2.1 * Math.exp(-0.3 * 30),
    1e-12,
    'minimum by construction: floor 0.2 + 2.1 exp(-0.3 x 30)',
  ),
  literature(
    'curves-crossing',
    { learning_rate: '0.013382584676378716', weight_decay: '0.0001', batch_size: '16' },
    0.24719501981123979,
    1e-12,
    'numerical minimum (problems.json, optimumNote)',
  ),
  literature(
    'curves-diverging',
    { learning_rate: '0.06', weight_decay: '0.0001', batch_size: '32' },
    byHandDivergingAtSixHundredths(),
    1e-12,
    'by hand, beyond the cliff: the best report is epoch 3 of floor 0.2 + 0.1 (log10 0.06 + 1.5)^2, speed 0.15 10^(0.5 (log10 0.06 + 2))',
  ),
];

function byHandDivergingAtSixHundredths(): number {
  const floor = 0.2 + 0.1 * (Math.log10(0.06) + 1.5) ** 2;
  const speed = 0.15 * 10 ** (0.5 * (Math.log10(0.06) + 2));
  return floor + (2.3 - floor) * Math.exp(-3 * speed);
}

function literature(problem: string, assignments: Record<string, string>, expected: number | 'inf', tolerance: number, source: string): TestPoint {
  return withCurve({ problem, assignments, expected, tolerance, source });
}

/** A learning-curve problem's point also holds every epoch's value, from the TypeScript code. */
function withCurve(point: TestPoint): TestPoint {
  const problem = loadCatalog().problems.find((candidate) => candidate.name === point.problem)!;
  if (problem.epochs === undefined) return point;
  return { ...point, curve: learningCurveFor(problem)(parseAssignmentValues(problem, point.assignments)).map(jsonNumber) };
}

function sampledPoints(problem: ProblemDefinition): TestPoint[] {
  const rng = rngFromText(`test-points:${problem.name}`);
  const objective = objectiveFor(problem);
  return Array.from({ length: SAMPLED_POINTS_PER_PROBLEM }, () => {
    const assignments = randomAssignments(problem, rng);
    const value = objective(parseAssignmentValues(problem, assignments));
    return withCurve({ problem: problem.name, assignments, expected: jsonNumber(value), tolerance: SAMPLED_TOLERANCE, source: 'sampled; value from the TypeScript code' });
  });
}

const catalog = loadCatalog();
const testPoints: TestPoints = {
  description:
    'Points where the TypeScript (test/bench/problem-functions.test.ts) and Python (bench/problems/check_test_points.py) problem code must ' +
    'agree: |actual - expected| <= tolerance * max(1, |expected|). Written by bench/problems/write-test-points.ts.',
  points: [...LITERATURE_POINTS, ...catalog.problems.flatMap(sampledPoints)],
  durations: catalog.problems.flatMap((problem, index) =>
    [1, 2, 60].map((trial) => ({
      problem: problem.name,
      seed: index,
      trial,
      expectedSeconds: trialDurationSeconds(catalog.trialDuration, problem.name, index, trial),
    })),
  ),
};
writeFileSync(TEST_POINTS_FILE, `${JSON.stringify(testPoints, null, 2)}\n`);
console.log(`wrote ${testPoints.points.length} points and ${testPoints.durations.length} durations to ${TEST_POINTS_FILE}`);
