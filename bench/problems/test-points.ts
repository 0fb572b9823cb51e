import { readFileSync } from 'node:fs';
import { repoPath } from '../../shared/repo-root.js';

/** bench/problems/test-points.json: where both languages' problem code must agree. */
export const TEST_POINTS_FILE = repoPath('bench', 'problems', 'test-points.json');

export interface TestPoint {
  problem: string;
  assignments: Record<string, string>;
  /** 'inf' where the training diverges (JSON has no infinity). */
  expected: number | 'inf';
  /** Learning-curve problems: the value reported after each epoch ('inf' once training diverged). */
  curve?: (number | 'inf')[];
  /** Accepted error relative to max(1, |expected|), for the objective and for each value of the curve. */
  tolerance: number;
  source: string;
}

export interface DurationPoint {
  problem: string;
  seed: number;
  trial: number;
  expectedSeconds: number;
}

export interface TestPoints {
  description: string;
  points: TestPoint[];
  durations: DurationPoint[];
}

export function readTestPoints(): TestPoints {
  return JSON.parse(readFileSync(TEST_POINTS_FILE, 'utf8')) as TestPoints;
}

/** The test-point rule, shared by the TypeScript test and (in Python) check_test_points.py. */
export function withinTolerance(actual: number, point: TestPoint, expected: number | 'inf' = point.expected): boolean {
  if (expected === 'inf') return actual === Infinity;
  return Math.abs(actual - expected) <= point.tolerance * Math.max(1, Math.abs(expected));
}

/** Infinity as test-points.json spells it (JSON has no infinity). */
export function jsonNumber(value: number): number | 'inf' {
  return value === Infinity ? 'inf' : value;
}
