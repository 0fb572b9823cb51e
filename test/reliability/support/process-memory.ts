import { readStatusKib } from '../../../shared/process/listening-process.js';

/** Resident and peak resident memory of a process, in MiB, from /proc/<pid>/status (VmRSS, VmHWM). */
export function processMemory(pid: number): { rssMiB: number; peakMiB: number } {
  const field = (name: string) => {
    const kib = readStatusKib(pid, name);
    if (kib === undefined) throw new Error(`/proc/${pid}/status has no ${name}`);
    return kib / 1024;
  };
  return { rssMiB: field('VmRSS'), peakMiB: field('VmHWM') };
}

/**
 * Polls the resident memory every `everyMs` until it is at most `boundMiB` or `attempts` polls have passed;
 * returns the last reading. V8 gives memory back a few seconds after allocation stops, not at once.
 */
export async function settledRss(pid: number, boundMiB: number, attempts = 30, everyMs = 500): Promise<number> {
  let rss = processMemory(pid).rssMiB;
  for (let i = 0; i < attempts && rss > boundMiB; i++) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    rss = processMemory(pid).rssMiB;
  }
  return rss;
}
