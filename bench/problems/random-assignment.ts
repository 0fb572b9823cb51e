import type { Rng } from '../../shared/random/rng.js';
import { formatDouble } from '../../shared/space/numbers.js';
import type { ParameterDefinition, ProblemDefinition } from './problem-catalog.js';

/** A random point of the problem's space as string assignments: uniform (over the steps, if any), or log-uniform where declared. */
export function randomAssignments(problem: ProblemDefinition, rng: Rng): Record<string, string> {
  return Object.fromEntries(problem.parameters.map((parameter) => [parameter.name, randomValue(parameter, rng)]));
}

function randomValue(parameter: ParameterDefinition, rng: Rng): string {
  const space = parameter.feasibleSpace;
  if (parameter.parameterType === 'categorical' || parameter.parameterType === 'discrete') {
    const list = space.list ?? [];
    return list[rng.integer(list.length)]!;
  }
  const min = Number(space.min);
  const max = Number(space.max);
  if (parameter.parameterType === 'int') return String(min + rng.integer(max - min + 1));
  if (space.step !== undefined) {
    const step = Number(space.step);
    // The same tolerance as the services' lattice: max counts when floating-point error puts it a hair past.
    const count = Math.floor((max - min) / step + 1e-9) + 1;
    return formatDouble(min + step * rng.integer(count));
  }
  if (space.distribution === 'logUniform') return String(Math.exp(rng.uniformIn(Math.log(min), Math.log(max))));
  return String(rng.uniformIn(min, max));
}
