import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { InvalidAssignmentError, parseAssignmentValues } from '../../bench/problems/assignment-values.js';
import { learningCurveFor, objectiveFor } from '../../bench/problems/objective-functions.js';
import { loadCatalog, problemDefinition } from '../../bench/problems/problem-catalog.js';
import { readTestPoints, withinTolerance } from '../../bench/problems/test-points.js';
import { trialDurationSeconds } from '../../bench/problems/trial-duration.js';
import { repoPath } from '../../shared/repo-root.js';

const table = readTestPoints();

describe('problem functions', () => {
  it('cover every problem of the catalog with test points, literature ones included', () => {
    for (const problem of loadCatalog().problems) {
      assert.ok(table.points.some((point) => point.problem === problem.name), `no test point for ${problem.name}`);
    }
    assert.ok(table.points.filter((point) => !point.source.startsWith('sampled')).length >= 10);
  });

  it('match every shared test point in TypeScript', () => {
    for (const point of table.points) {
      const problem = problemDefinition(point.problem);
      const actual = objectiveFor(problem)(parseAssignmentValues(problem, point.assignments));
      assert.ok(withinTolerance(actual, point), `${point.problem} ${JSON.stringify(point.assignments)}: expected ${point.expected}, got ${actual} (${point.source})`);
    }
  });

  it('give every learning-curve point its whole curve, epoch by epoch, and agree with it in TypeScript', () => {
    for (const problem of loadCatalog().problems.filter((candidate) => candidate.epochs !== undefined)) {
      const points = table.points.filter((point) => point.problem === problem.name);
      assert.ok(points.length > 0 && points.every((point) => point.curve?.length === problem.epochs), `${problem.name}: points without a full curve`);
      for (const point of points) {
        const curve = learningCurveFor(problem)(parseAssignmentValues(problem, point.assignments));
        curve.forEach((value, epoch) =>
          assert.ok(withinTolerance(value, point, point.curve![epoch]), `${problem.name} ${JSON.stringify(point.assignments)} epoch ${epoch + 1}: ${value} vs ${point.curve![epoch]}`),
        );
      }
    }
  });

  it('give each problem its optimum at a known optimiser, within the stated tolerance', () => {
    const atOptimum = table.points.filter((point) => /minimum/.test(point.source));
    for (const point of atOptimum) {
      assert.ok(point.expected !== 'inf' && Math.abs(point.expected - problemDefinition(point.problem).optimum) <= 1e-5, `${point.problem}: ${point.expected}`);
    }
  });

  it('reproduce the shared trial-duration schedule', () => {
    const definition = loadCatalog().trialDuration;
    for (const entry of table.durations) {
      assert.equal(trialDurationSeconds(definition, entry.problem, entry.seed, entry.trial), entry.expectedSeconds);
    }
  });

  it('match every shared test point in Python (plain python3)', () => {
    const check = spawnSync('python3', ['-B', repoPath('bench', 'problems', 'check_test_points.py')], { encoding: 'utf8' });
    assert.equal(check.error, undefined, `python3 could not run: ${check.error?.message}`);
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
    assert.match(check.stdout, new RegExp(`^${table.points.length + table.durations.length} passed, 0 failed$`, 'm'));
  });
});

describe('assignment values', () => {
  const mixed = problemDefinition('mixed');
  const valid = { learning_rate: '0.001', width: '128', optimizer: 'adam', dropout: '0.20' };

  it('parses numbers by value and keeps categorical strings', () => {
    assert.deepEqual(parseAssignmentValues(mixed, valid), { learning_rate: 0.001, width: 128, optimizer: 'adam', dropout: 0.2 });
  });

  const refused: [string, Record<string, string>, RegExp][] = [
    ['a missing parameter', { learning_rate: '0.001', width: '128', optimizer: 'adam' }, /"dropout" is missing/],
    ['a value above max', { ...valid, learning_rate: '0.2' }, /"learning_rate" = "0.2" is not a value in/],
    ['a fractional int', { ...valid, width: '128.5' }, /"width" = "128.5" is not an integer/],
    ['a category not in the list', { ...valid, optimizer: 'adagrad' }, /"optimizer" = "adagrad" is not one of/],
    ['a discrete value not in the list', { ...valid, dropout: '0.25' }, /"dropout" = "0.25" is not one of/],
    ['text for a number', { ...valid, width: 'wide' }, /"width" = "wide" is not a finite decimal number/],
    ['an unknown parameter', { ...valid, momentum: '0.9' }, /unknown parameters: momentum/],
  ];
  for (const [what, assignments, message] of refused) {
    it(`refuses ${what}`, () => {
      assert.throws(() => parseAssignmentValues(mixed, assignments), (error: unknown) => error instanceof InvalidAssignmentError && message.test(error.message));
    });
  }
});
