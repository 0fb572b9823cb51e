/** Progress of a long run: a bar on a terminal, nothing at all when output is not a terminal or CI=true. */
export interface Progress {
  /** One more unit of work done; `label` says which. */
  advance(label: string): void;
  finish(): void;
}

const BAR_WIDTH = 24;

export function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || process.env['CI'] === 'true' || total <= 0) return { advance: () => {}, finish: () => {} };
  const started = Date.now();
  let done = 0;
  const draw = (label: string) => {
    const filled = Math.round((done / total) * BAR_WIDTH);
    const elapsed = (Date.now() - started) / 1000;
    const eta = done === 0 ? '' : ` ETA ${formatDuration((elapsed / done) * (total - done))}`;
    const line = `[${'#'.repeat(filled)}${'-'.repeat(BAR_WIDTH - filled)}] ${done}/${total}${eta} ${label}`;
    // A terminal of unknown size reports 0 columns.
    const width = (stream.columns || 80) - 1;
    stream.write(`\r${line.slice(0, width).padEnd(width)}`);
  };
  draw('');
  return {
    advance(label) {
      done += 1;
      draw(label);
    },
    finish() {
      stream.write('\n');
    },
  };
}

function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}
