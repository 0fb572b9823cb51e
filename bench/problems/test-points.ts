import { readFileSync } from 'node:fs';
import { repoPath } from '../../shared/repo-root.js';

/** bench/problems/test-points.json: where both languages' problem code must agree. */
export const TEST_POINTS_FILE = repoPath('bench', 'problems', 'test-points.json');

export interface TestPoint {
  problem: string;
  assignments: Record<string, string>;
  /** 'inf' where the training diverges (JSON has no infinity). */
  expected: number | 'inf';
  /** Accepted error relative to max(1, |expected|). */
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
export function withinTolerance(actual: number, point: TestPoint): boolean {
  if (point.expected === 'inf') return actual === Infinity;
  return Math.abs(actual - point.expected) <= point.tolerance * Math.max(1, Math.abs(point.expected));
}
