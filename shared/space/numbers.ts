/** Strict decimal parsing and stable formatting for the numbers that travel as strings in Katib's API. */

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number a decimal string spells, or undefined when it is not a finite decimal number. */
export function parseDecimal(text: string): number | undefined {
  const value = decimalValue(text);
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** The number a decimal string spells, ±Infinity when it overflows (1e999), undefined when it is no decimal. */
export function decimalValue(text: string): number | undefined {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : undefined;
}

/**
 * A double as the string we hand to trials: twelve significant digits, shortest form. Twelve digits hide the
 * binary noise of lattice arithmetic (0.01 + 4 * 0.005 gives "0.03") and are far finer than any training
 * script can tell apart.
 */
export function formatDouble(value: number): string {
  const rounded = Number(value.toPrecision(12));
  return String(Object.is(rounded, -0) ? 0 : rounded);
}
