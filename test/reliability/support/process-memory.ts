import { readFileSync } from 'node:fs';

/** Resident and peak resident memory of a process, in MiB, from /proc/<pid>/status (VmRSS, VmHWM). */
export function processMemory(pid: number): { rssMiB: number; peakMiB: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+)\\s+kB$`, 'm').exec(status);
    if (match === null) throw new Error(`/proc/${pid}/status has no ${name}`);
    return Number(match[1]) / 1024;
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
