/**
 * How long a test waits for one call before calling it hung. Not a performance limit: a call that is merely
 * slow (a big model fit on a machine shared with other work) must never fail on it; it only turns a call that
 * never ends into a failure naming the call. Speed is measured by the benchmark (docs/benchmarks.md).
 */
export const CALL_HANG_GUARD_MS = 5 * 60_000;
