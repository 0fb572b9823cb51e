/**
 * Minimisation of a smooth function inside a box, by a projected limited-memory BFGS method.
 *
 * Each iteration fixes the variables that sit on a bound with the gradient pushing outwards, builds the L-BFGS
 * direction on the others, and backtracks along the projection of that direction onto the box until the Armijo
 * condition holds. It is a small relative of L-BFGS-B (no generalised Cauchy point), which is plenty for the
 * problems here: a dozen log-hyperparameters, or an acquisition function over a few coordinates.
 */

export interface BoxProblem {
  readonly lower: ArrayLike<number>;
  readonly upper: ArrayLike<number>;
  /** The value at `x`, writing the gradient into `gradient`; a non-finite value marks `x` as unusable. */
  evaluate(x: Float64Array, gradient: Float64Array): number;
}

export interface QuasiNewtonOptions {
  maxIterations: number;
  /** Stop when no free coordinate's gradient exceeds this. */
  gradientTolerance: number;
  /** Stop when an iteration lowers the value by less than this fraction of its size. */
  relativeTolerance: number;
  /** How many (step, gradient change) pairs shape the direction. */
  memory?: number;
}

export interface QuasiNewtonResult {
  x: Float64Array;
  value: number;
  iterations: number;
  evaluations: number;
}

const ARMIJO = 1e-4;
const MAX_BACKTRACKS = 30;

export function minimiseInBox(problem: BoxProblem, start: ArrayLike<number>, options: QuasiNewtonOptions): QuasiNewtonResult {
  const n = start.length;
  const { lower, upper } = problem;
  const memory = options.memory ?? 8;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = clamp(start[i]!, lower[i]!, upper[i]!);
  const gradient = new Float64Array(n);
  let value = problem.evaluate(x, gradient);
  let evaluations = 1;
  if (!Number.isFinite(value)) return { x, value, iterations: 0, evaluations };

  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const curvatures: number[] = [];
  const free = new Uint8Array(n);
  const direction = new Float64Array(n);
  const trial = new Float64Array(n);
  const trialGradient = new Float64Array(n);
  const alphas = new Float64Array(memory);
  let iterations = 0;

  for (; iterations < options.maxIterations; iterations++) {
    let largestFreeGradient = 0;
    for (let i = 0; i < n; i++) {
      const blocked = (x[i]! <= lower[i]! && gradient[i]! > 0) || (x[i]! >= upper[i]! && gradient[i]! < 0);
      free[i] = blocked ? 0 : 1;
      if (!blocked) largestFreeGradient = Math.max(largestFreeGradient, Math.abs(gradient[i]!));
    }
    if (largestFreeGradient <= options.gradientTolerance) break;

    quasiNewtonDirection(gradient, free, steps, changes, curvatures, alphas, direction);
    let slope = dotFree(gradient, direction, free);
    if (!(slope < 0)) {
      // The memory no longer describes the function here: fall back to steepest descent and start afresh.
      steps.length = changes.length = curvatures.length = 0;
      for (let i = 0; i < n; i++) direction[i] = free[i] ? -gradient[i]! : 0;
      slope = dotFree(gradient, direction, free);
    }

    let stepLength = steps.length === 0 ? Math.min(1, 1 / maxAbs(direction)) : 1;
    let accepted = false;
    let trialValue = value;
    for (let backtrack = 0; backtrack < MAX_BACKTRACKS; backtrack++) {
      let moved = false;
      let projectedSlope = 0;
      for (let i = 0; i < n; i++) {
        trial[i] = clamp(x[i]! + stepLength * direction[i]!, lower[i]!, upper[i]!);
        if (trial[i] !== x[i]) moved = true;
        projectedSlope += gradient[i]! * (trial[i]! - x[i]!);
      }
      if (!moved) break;
      trialValue = problem.evaluate(trial, trialGradient);
      evaluations++;
      if (Number.isFinite(trialValue) && trialValue <= value + ARMIJO * Math.min(projectedSlope, 0)) {
        accepted = true;
        break;
      }
      stepLength *= 0.5;
    }
    if (!accepted) {
      if (steps.length === 0) break;
      steps.length = changes.length = curvatures.length = 0;
      continue;
    }

    const step = new Float64Array(n);
    const change = new Float64Array(n);
    let curvature = 0;
    for (let i = 0; i < n; i++) {
      step[i] = trial[i]! - x[i]!;
      change[i] = trialGradient[i]! - gradient[i]!;
      curvature += step[i]! * change[i]!;
    }
    if (curvature > 1e-12 * Math.sqrt(dot(step, step) * dot(change, change))) {
      if (steps.length === memory) {
        steps.shift();
        changes.shift();
        curvatures.shift();
      }
      steps.push(step);
      changes.push(change);
      curvatures.push(curvature);
    }
    const decrease = value - trialValue;
    x.set(trial);
    gradient.set(trialGradient);
    value = trialValue;
    if (decrease <= options.relativeTolerance * Math.max(Math.abs(value), 1)) {
      iterations++;
      break;
    }
  }
  return { x, value, iterations, evaluations };
}

/** direction = -H gradient on the free coordinates (two-loop recursion), zero on the fixed ones. */
function quasiNewtonDirection(
  gradient: Float64Array,
  free: Uint8Array,
  steps: readonly Float64Array[],
  changes: readonly Float64Array[],
  curvatures: readonly number[],
  alphas: Float64Array,
  direction: Float64Array,
): void {
  const n = gradient.length;
  for (let i = 0; i < n; i++) direction[i] = free[i] ? -gradient[i]! : 0;
  const count = steps.length;
  for (let m = count - 1; m >= 0; m--) {
    const alpha = dotFree(steps[m]!, direction, free) / curvatures[m]!;
    alphas[m] = alpha;
    const change = changes[m]!;
    for (let i = 0; i < n; i++) if (free[i]) direction[i]! -= alpha * change[i]!;
  }
  if (count > 0) {
    const last = changes[count - 1]!;
    const scale = curvatures[count - 1]! / dot(last, last);
    for (let i = 0; i < n; i++) direction[i]! *= scale;
  }
  for (let m = 0; m < count; m++) {
    const beta = dotFree(changes[m]!, direction, free) / curvatures[m]!;
    const step = steps[m]!;
    for (let i = 0; i < n; i++) if (free[i]) direction[i]! += (alphas[m]! - beta) * step[i]!;
  }
}

function clamp(value: number, low: number, high: number): number {
  return value < low ? low : value > high ? high : value;
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

function dotFree(a: ArrayLike<number>, b: ArrayLike<number>, free: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) if (free[i]) sum += a[i]! * b[i]!;
  return sum;
}

function maxAbs(values: Float64Array): number {
  let largest = 0;
  for (const value of values) largest = Math.max(largest, Math.abs(value));
  return largest > 0 ? largest : 1;
}
