import { invalidRequest, quote } from '../errors/service-error.js';
import { parseDecimal } from '../space/numbers.js';

/** How one setting is read from its string value. */
export interface Setting<T> {
  /** Accepted spellings; the first is the one we document, the others keep stock Experiments working. */
  names: readonly string[];
  /** What a valid value looks like, for error messages. */
  expected: string;
  defaultValue: T;
  /** The typed value, or a string explaining why the text is rejected when the generic `expected` is not enough. */
  parse(text: string): T | { rejected: string } | undefined;
}

export type SettingsSchema = Record<string, Setting<unknown>>;
export type ParsedSettings<S extends SettingsSchema> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

/** A raw name/value pair as Katib carries algorithm and early-stopping settings. */
export interface RawSetting {
  name: string;
  value: string;
}

/**
 * Reads `raw` against `schema`. Unknown names, conflicting duplicates and bad values are INVALID_ARGUMENT,
 * naming the setting, its value and what is accepted; missing settings take their defaults.
 */
export function parseSettings<S extends SettingsSchema>(
  schema: S,
  raw: readonly RawSetting[],
  owner: string,
): ParsedSettings<S> {
  const byName = new Map<string, [keyof S, Setting<unknown>]>();
  for (const key of Object.keys(schema) as (keyof S)[]) {
    for (const name of schema[key]!.names) byName.set(name, [key, schema[key]!]);
  }
  const parsed: Partial<Record<keyof S, unknown>> = {};
  const givenAs: Partial<Record<keyof S, RawSetting>> = {};
  for (const entry of raw) {
    const found = byName.get(entry.name);
    if (found === undefined) {
      const accepted = [...byName.keys()];
      throw invalidRequest(
        `${owner}: unknown setting ${quote(entry.name)} (value ${quote(entry.value)}); accepted settings: ${accepted.length > 0 ? accepted.join(', ') : 'none'}`,
      );
    }
    const [key, setting] = found;
    const result = setting.parse(entry.value.trim());
    if (result === undefined || (typeof result === 'object' && result !== null && 'rejected' in result)) {
      const reason = result === undefined ? `expected ${setting.expected}` : result.rejected;
      throw invalidRequest(`${owner}: setting ${quote(entry.name)} has value ${quote(entry.value)}; ${reason}`);
    }
    const earlier = givenAs[key];
    if (earlier !== undefined && earlier.value.trim() !== entry.value.trim()) {
      throw invalidRequest(
        `${owner}: setting ${quote(entry.name)} is given twice with different values (${quote(earlier.name)}=${quote(earlier.value)} and ${quote(entry.name)}=${quote(entry.value)})`,
      );
    }
    givenAs[key] = entry;
    parsed[key] = result;
  }
  for (const key of Object.keys(schema) as (keyof S)[]) {
    if (!(key in parsed)) parsed[key] = schema[key]!.defaultValue;
  }
  return parsed as ParsedSettings<S>;
}

/** An integer setting in [min, max]. */
export function integerSetting<D extends number | undefined>(
  names: readonly string[],
  bounds: { min: number; max?: number },
  defaultValue: D,
): Setting<number | D> {
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  const range = bounds.max === undefined ? `>= ${bounds.min}` : `in [${bounds.min}, ${bounds.max}]`;
  return {
    names,
    expected: `an integer ${range}`,
    defaultValue,
    parse(text) {
      const value = parseDecimal(text);
      return value !== undefined && Number.isSafeInteger(value) && value >= bounds.min && value <= max ? value : undefined;
    },
  };
}

/** A real-number setting strictly inside (above, below); either side may be open-ended. */
export function numberSetting<D extends number | undefined>(
  names: readonly string[],
  bounds: { above?: number; below?: number },
  defaultValue: D,
): Setting<number | D> {
  const above = bounds.above ?? -Infinity;
  const below = bounds.below ?? Infinity;
  const parts = [bounds.above !== undefined ? `> ${bounds.above}` : '', bounds.below !== undefined ? `< ${bounds.below}` : ''];
  return {
    names,
    expected: `a number ${parts.filter(Boolean).join(' and ')}`.trim(),
    defaultValue,
    parse(text) {
      const value = parseDecimal(text);
      return value !== undefined && value > above && value < below ? value : undefined;
    },
  };
}

/** One of a fixed set of words; `unsupported` maps stock values we deliberately refuse to the reason why. */
export function choiceSetting<C extends string>(
  names: readonly string[],
  choices: readonly C[],
  defaultValue: C,
  unsupported: Readonly<Record<string, string>> = {},
): Setting<C> {
  return {
    names,
    expected: `one of ${choices.join(', ')}`,
    defaultValue,
    parse(text) {
      if ((choices as readonly string[]).includes(text)) return text as C;
      const reason = unsupported[text];
      return reason === undefined ? undefined : { rejected: `${reason}; supported: ${choices.join(', ')}` };
    },
  };
}

/** Every spelling `schema` accepts, documented ones first. */
export function settingNames(schema: SettingsSchema): string[] {
  return Object.values(schema).flatMap((setting) => setting.names);
}
