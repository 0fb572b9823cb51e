/** One reported value of a trial's metric, as Katib's DB manager stores it. */
export interface MetricLogEntry {
  timeStamp: string;
  value: string;
}

/** A log sorted by report time, and the time stamps that could not be read. */
export interface OrderedMetricLog {
  values: string[];
  unreadableTimeStamps: string[];
}

// RFC 3339 as Katib writes it, with any number of fraction digits; a missing zone (a bare SQL datetime) is UTC.
const TIME_STAMP = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$/i;

interface TimeKey {
  seconds: number;
  /** Fraction of the second in nanoseconds; Date would round it to milliseconds. */
  nanos: number;
}

function timeKey(text: string): TimeKey | undefined {
  const match = TIME_STAMP.exec(text.trim());
  if (match === null) return undefined;
  const [, date, time, fraction, zone] = match;
  const milliseconds = Date.parse(`${date}T${time}${zone === undefined ? 'Z' : zone.toUpperCase()}`);
  if (Number.isNaN(milliseconds)) return undefined;
  return { seconds: milliseconds / 1000, nanos: Number((fraction ?? '').padEnd(9, '0')) };
}

/**
 * The log's values in the order they were reported. The DB manager does not promise an order, and a trial is
 * judged on its first values, so order matters. Entries with equal time stamps keep the order they came in;
 * entries whose time stamp cannot be read go last, in the order they came in.
 */
export function inReportOrder(entries: readonly MetricLogEntry[]): OrderedMetricLog {
  const keyed = entries.map((entry) => ({ entry, key: timeKey(entry.timeStamp) }));
  const readable = keyed.filter((item) => item.key !== undefined) as { entry: MetricLogEntry; key: TimeKey }[];
  readable.sort((a, b) => a.key.seconds - b.key.seconds || a.key.nanos - b.key.nanos);
  const unreadable = keyed.filter((item) => item.key === undefined).map((item) => item.entry);
  return {
    values: [...readable.map((item) => item.entry.value), ...unreadable.map((entry) => entry.value)],
    unreadableTimeStamps: unreadable.map((entry) => entry.timeStamp),
  };
}
