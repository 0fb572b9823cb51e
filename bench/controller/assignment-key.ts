import type { ProblemDefinition } from '../problems/problem-catalog.js';

/**
 * One string per distinct point of the problem's space: numbers compared by value (so "0.10" and "0.1" are the
 * same point), categorical values verbatim. Two trials with the same key are a duplicate assignment.
 */
export function assignmentKey(problem: ProblemDefinition, assignments: Readonly<Record<string, string>>): string {
  return JSON.stringify(
    problem.parameters.map((parameter) => {
      const text = assignments[parameter.name];
      if (text === undefined || parameter.parameterType === 'categorical') return text ?? null;
      const value = Number(text);
      return Number.isNaN(value) || text.trim() === '' ? text : value;
    }),
  );
}
