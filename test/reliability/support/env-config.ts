/**
 * Sizes of the reliability runs. The defaults keep the whole suite to a few minutes on a 2-core CI runner; raise
 * them for a longer local run, e.g.
 *   RELIABILITY_SCALE=10 RELIABILITY_SEED=random node --test dist/test/reliability/
 */

/** Multiplies every case count below (not the load shape, which has its own variables). */
export function scale(): number {
  return positiveNumber('RELIABILITY_SCALE', 1);
}

/** A count from `name`, else `fallback` times RELIABILITY_SCALE, at least 1. */
export function caseCount(name: string, fallback: number): number {
  const explicit = process.env[name];
  if (explicit !== undefined && explicit !== '') return Math.max(1, Math.round(positiveNumber(name, fallback)));
  return Math.max(1, Math.round(fallback * scale()));
}

/** A plain positive number from `name`, else `fallback`. */
export function positiveNumber(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!(Number.isFinite(value) && value > 0)) throw new Error(`${name}=${JSON.stringify(text)}: expected a positive number`);
  return value;
}

/**
 * The fast-check seed. A fixed default makes CI repeat the same cases (a failure there reproduces locally with the
 * same command); RELIABILITY_SEED=<integer> replays a reported seed and RELIABILITY_SEED=random explores new cases.
 */
export function fuzzSeed(): number {
  const text = process.env['RELIABILITY_SEED'];
  if (text === undefined || text === '') return 20240601;
  if (text === 'random') return (Math.random() * 2 ** 31) | 0;
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new Error(`RELIABILITY_SEED=${JSON.stringify(text)}: expected an integer or "random"`);
  return value;
}
