/** A number for a table: three significant digits, exponent form when very small or large, a dash for none. */
export function formatNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '—';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '-∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-3 || magnitude >= 1e5) return value.toExponential(1).replace('e+', 'e');
  return String(Number(value.toPrecision(3)));
}

export function formatMiB(kib: number | null): string {
  return kib === null ? '—' : (kib / 1024).toFixed(0);
}
