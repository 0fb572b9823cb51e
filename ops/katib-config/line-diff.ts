/**
 * A unified diff of two texts by lines (longest common subsequence), with `context` unchanged lines around each
 * change: what --dry-run prints. Sized for configuration files (quadratic in their length).
 */
export function unifiedDiff(before: string, after: string, labels: { before: string; after: string }, context = 3): string {
  if (before === after) return '';
  const a = before.split('\n');
  const b = after.split('\n');
  const ops = lineOperations(a, b);
  const lines = [`--- ${labels.before}`, `+++ ${labels.after}`];
  let index = 0;
  while (index < ops.length) {
    if (ops[index]!.kind === ' ') {
      index++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change within reach.
    const start = Math.max(0, index - context);
    let end = index;
    for (let scan = index; scan < ops.length; scan++) {
      if (ops[scan]!.kind !== ' ') end = scan;
      else if (scan - end > 2 * context) break;
    }
    end = Math.min(ops.length - 1, end + context);
    const hunk = ops.slice(start, end + 1);
    const first = ops[start]!;
    const oldCount = hunk.filter((op) => op.kind !== '+').length;
    const newCount = hunk.filter((op) => op.kind !== '-').length;
    lines.push(`@@ -${first.oldLine + (oldCount > 0 ? 1 : 0)},${oldCount} +${first.newLine + (newCount > 0 ? 1 : 0)},${newCount} @@`);
    for (const op of hunk) lines.push(`${op.kind}${op.text}`);
    index = end + 1;
  }
  return `${lines.join('\n')}\n`;
}

interface LineOperation {
  kind: ' ' | '-' | '+';
  text: string;
  /** Lines of each text before this one. */
  oldLine: number;
  newLine: number;
}

function lineOperations(a: readonly string[], b: readonly string[]): LineOperation[] {
  // common[i][j]: length of the longest common subsequence of a[i..] and b[j..].
  const common = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i]![j] = a[i] === b[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const ops: LineOperation[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) ops.push({ kind: ' ', text: a[i]!, oldLine: i++, newLine: j++ });
    else if (j < b.length && (i === a.length || common[i]![j + 1]! >= common[i + 1]![j]!)) ops.push({ kind: '+', text: b[j]!, oldLine: i, newLine: j++ });
    else ops.push({ kind: '-', text: a[i]!, oldLine: i++, newLine: j });
  }
  return ops;
}
