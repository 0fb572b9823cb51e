import { loadCatalog } from '../problems/problem-catalog.js';

export const PROBLEMS_USAGE = `npm run bench -- problems
  Lists the benchmark problems (bench/problems/problems.json).`;

export function problemsCommand(): void {
  for (const problem of loadCatalog().problems) {
    const parameters = problem.parameters.map((parameter) => `${parameter.name}:${parameter.parameterType}`).join(' ');
    const budget = problem.budgetParameter;
    const budgetText = budget === undefined ? '' : `  budget ${budget.name}:${budget.parameterType} ${budget.feasibleSpace.min}-${budget.feasibleSpace.max} (hyperband)`;
    console.log(`${problem.name}  ${problem.objective.type} ${problem.objective.metricName}, optimum ${problem.optimum}  [${parameters}]${budgetText}`);
  }
}
