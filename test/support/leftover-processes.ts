import { readdirSync, readFileSync } from 'node:fs';
import { after } from 'node:test';

/**
 * The net under every test's own teardown, loaded with `node --import` by `npm test`: at the end of each test
 * file, and when the file's process exits, every process it started that is still running is killed, with the
 * processes those started (a bench run's services, a shell's children). A failing test can therefore not leave a
 * service behind that keeps the run waiting, as one once did for 16 minutes. Found from /proc (Linux), so it
 * needs nothing from the code that spawned them.
 *
 * Node 20's runner never ends a file that has this root hook but no tests when --test-force-exit is on, so
 * npm test runs only *.test.js files (each of which has tests), not every module under dist/test.
 */

/** How long the end of a file waits for the killed processes to be gone. */
const GONE_WITHIN_MS = 10_000;

/** Every live process below `root` (children, theirs, ...), from /proc; zombies (dead, unreaped) are left out. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // Gone since the listing.
    }
    // "pid (command) state ppid ...": the command may hold spaces and parentheses, so read after the last ')'.
    const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (state === 'Z') continue;
    children.set(Number(ppid), [...(children.get(Number(ppid)) ?? []), Number(entry)]);
  }
  const found: number[] = [];
  for (let queue = [root]; queue.length > 0; ) {
    const next = queue.flatMap((pid) => children.get(pid) ?? []);
    found.push(...next);
    queue = next;
  }
  return found;
}

function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Ended by itself meanwhile.
    }
  }
}

// The runner itself (started with --test) runs no tests: only the test files' processes get the net.
if (!process.execArgv.includes('--test')) {
  after(async () => {
    killAll(descendantsOf(process.pid));
    for (const deadline = Date.now() + GONE_WITHIN_MS; descendantsOf(process.pid).length > 0 && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  // Ending any other way (process.exit, a crash): no waiting is possible, the kill is sent.
  process.on('exit', () => killAll(descendantsOf(process.pid)));
}
