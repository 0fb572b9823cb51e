/**
 * Loaded with `node --import` by `npm test` into every test file's process: makes its standard output, the pipe
 * its test results travel to the runner through, blocking. With --test-force-exit and more than one file at a
 * time, Node's runner can exit a file's process while results are still queued on that pipe: the runner then
 * reports fewer tests than ran, with no failure (nodejs/node#64833; seen here: the last suites of
 * test/deploy/manifests.test.js missing from a clean-clone CI run). A blocking write is on the pipe before exit.
 */

interface BlockableHandle {
  setBlocking?: (blocking: boolean) => void;
}

// The runner itself (started with --test) only reads the pipes; its own output is not the one at risk.
if (!process.execArgv.includes('--test')) {
  (process.stdout as unknown as { _handle?: BlockableHandle })._handle?.setBlocking?.(true);
}
