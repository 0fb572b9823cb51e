import { createRequire, syncBuiltinESMExports } from 'node:module';
import type * as NodeTest from 'node:test';

/**
 * A default timeout for every test, loaded with `node --import` by `npm test`, so that a stuck test fails with
 * its own name instead of holding up the run. Node 20's `--test-timeout` cannot do this: it times each test
 * FILE, in the runner, and the failure names only the file. A test that gives its own `timeout` keeps it.
 *
 * This wraps `it` and `test` of node:test, and the hooks (a teardown that waits forever is a hang too), and
 * republishes them to every `import { it, ... } from 'node:test'` with syncBuiltinESMExports. The suites,
 * `describe`, keep no limit: a long file of short tests is fine. A failure's `location` names this file (Node
 * takes it from the caller of `test`); its stack names the test's own line.
 * KATIB_TS_TEST_TIMEOUT_MS overrides the default (the test of this guard uses a short one).
 */

/** Generous: several times the slowest test on a loaded machine; only a hang reaches it. */
const DEFAULT_TEST_TIMEOUT_MS = 10 * 60_000;

export const TEST_TIMEOUT_MS = timeoutFromEnvironment(process.env['KATIB_TS_TEST_TIMEOUT_MS']);

function timeoutFromEnvironment(text: string | undefined): number {
  if (text === undefined || text === '') return DEFAULT_TEST_TIMEOUT_MS;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`KATIB_TS_TEST_TIMEOUT_MS="${text}" is invalid: expected a whole number of milliseconds > 0`);
  return value;
}

type TestFunction = typeof NodeTest.test;
type HookFunction = typeof NodeTest.after;
type HookName = 'before' | 'after' | 'beforeEach' | 'afterEach';
const nodeTest = createRequire(import.meta.url)('node:test') as Record<'it' | 'test', TestFunction> & Record<HookName, HookFunction>;

/** `original` with `{ timeout }` added to its options unless the caller set one; `.skip`, `.todo`, `.only` kept. */
function withDefaultTimeout(original: TestFunction): TestFunction {
  const wrapped = (...args: unknown[]) => {
    // node:test's arguments are ([name][, options][, fn]); the options, when given, are the one plain object.
    const optionsAt = args.findIndex((arg) => arg !== null && typeof arg === 'object');
    if (optionsAt >= 0) {
      const options = args[optionsAt] as NodeTest.TestOptions;
      if (options.timeout === undefined) args[optionsAt] = { ...options, timeout: TEST_TIMEOUT_MS };
    } else {
      args.splice(typeof args[0] === 'function' ? 0 : 1, 0, { timeout: TEST_TIMEOUT_MS });
    }
    return (original as (...rest: unknown[]) => unknown)(...args);
  };
  return Object.assign(wrapped, { skip: original.skip, todo: original.todo, only: original.only }) as unknown as TestFunction;
}

/** A hook, `(fn, options?)`, with `{ timeout }` added to its options unless the caller set one. */
function hookWithDefaultTimeout(original: HookFunction): HookFunction {
  return ((fn: Parameters<HookFunction>[0], options?: NodeTest.HookOptions) =>
    original(fn, options?.timeout === undefined ? { ...options, timeout: TEST_TIMEOUT_MS } : options)) as HookFunction;
}

nodeTest.it = withDefaultTimeout(nodeTest.it);
nodeTest.test = withDefaultTimeout(nodeTest.test);
for (const hook of ['before', 'after', 'beforeEach', 'afterEach'] as const) nodeTest[hook] = hookWithDefaultTimeout(nodeTest[hook]);
syncBuiltinESMExports();
