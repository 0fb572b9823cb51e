import { parse, stringify } from 'yaml';
import { ConflictError, type ConfigMapObject, type ConfigMapStore } from './config-map-store.js';
import { editKatibConfig, type EntryChange, type EntryOutcome } from './edit-katib-config.js';
import { unifiedDiff } from './line-diff.js';
import type { Entry, Registration, Section } from './registration-entries.js';

/** Katib's ConfigMap and the key holding its KatibConfig (Katib v0.16 and later). */
export const KATIB_CONFIG_MAP = 'katib-config';
export const KATIB_CONFIG_KEY = 'katib-config.yaml';
/** The keys of the format before KatibConfig (Katib up to v0.15): one JSON document per kind of entry. */
const LEGACY_KEYS = ['suggestion', 'early-stopping', 'metrics-collector-sidecar'];

/**
 * What katib-ts replaced: for each algorithm it ever registered in this namespace, the entry that was there
 * before (or that there was none), kept in a ConfigMap beside Katib's so that `unregister` restores it from any
 * machine. Later registrations add algorithms to it but never overwrite a recorded entry: the first one is the
 * user's own. It also keeps the whole katib-config.yaml as it was before the first registration, for a manual
 * roll back.
 */
export const BACKUP_CONFIG_MAP = 'katib-config-katib-ts-backup';
const PREVIOUS_KEY = 'previous-entries.yaml';
const ORIGINAL_KEY = 'katib-config.yaml';
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'katib-ts' };

/** How often a write that lost a race (HTTP 409) is retried from a fresh read before giving up. */
export const MAX_ATTEMPTS = 5;

export interface RunOptions {
  dryRun: boolean;
  /** Receives the report, line by line. */
  print(line: string): void;
}

type Previous = Record<Section, Record<string, Entry | null>>;

/** Adds or replaces the entries of `registrations` in Katib's configuration. */
export async function register(store: ConfigMapStore, registrations: readonly Registration[], options: RunOptions): Promise<void> {
  const changes: EntryChange[] = registrations.map(({ section, algorithm, entry }) => ({ section, algorithm, entry }));
  await withRetries('register', async () => {
    const live = await readKatibConfig(store);
    const edited = editKatibConfig(live.data[KATIB_CONFIG_KEY]!, changes);
    const changed = edited.outcomes.filter((outcome) => outcome.action !== 'unchanged');
    if (options.dryRun) return reportDryRun(store, live, edited.text, edited.outcomes, options, `a backup of the replaced entries in ConfigMap ${store.namespace}/${BACKUP_CONFIG_MAP}`);
    if (changed.length === 0) {
      options.print(`every chosen entry in ${store.namespace}/${KATIB_CONFIG_MAP} is already as registered; nothing written`);
      return;
    }
    await recordPrevious(store, changed, live.data[KATIB_CONFIG_KEY]!);
    await store.replace({ ...live, data: { ...live.data, [KATIB_CONFIG_KEY]: edited.text } });
    reportOutcomes(store, edited.outcomes, options);
    options.print(`the entries they replaced are kept in ConfigMap ${store.namespace}/${BACKUP_CONFIG_MAP}; \`katib-ts unregister\` puts them back`);
  });
}

/** Puts back the entries recorded when katib-ts registered `algorithms` (all recorded ones by default). */
export async function unregister(store: ConfigMapStore, algorithms: readonly string[] | 'all', options: RunOptions): Promise<void> {
  await withRetries('unregister', async () => {
    const backup = await store.read(BACKUP_CONFIG_MAP);
    if (backup === undefined) {
      throw new Error(
        `there is no ConfigMap ${store.namespace}/${BACKUP_CONFIG_MAP}: katib-ts has not registered anything in namespace ${store.namespace}, or unregister has already put everything back`,
      );
    }
    const previous = readPrevious(backup);
    const recorded = (['suggestions', 'earlyStoppings'] as const).flatMap((section) => Object.keys(previous[section]).map((algorithm) => ({ section, algorithm })));
    const chosen = algorithms === 'all' ? recorded : recorded.filter(({ algorithm }) => algorithms.includes(algorithm));
    if (algorithms !== 'all') {
      const missing = algorithms.filter((algorithm) => !recorded.some((entry) => entry.algorithm === algorithm));
      if (missing.length > 0) throw new Error(`nothing is recorded for ${missing.join(', ')} in ${store.namespace}/${BACKUP_CONFIG_MAP}; it holds ${recorded.map((entry) => entry.algorithm).join(', ') || 'nothing'}`);
    }
    const live = await readKatibConfig(store);
    const changes = chosen.map(({ section, algorithm }) => ({ section, algorithm, entry: previous[section][algorithm] ?? null }));
    const edited = editKatibConfig(live.data[KATIB_CONFIG_KEY]!, changes);
    if (options.dryRun) return reportDryRun(store, live, edited.text, edited.outcomes, options, `the restored algorithms removed from ConfigMap ${store.namespace}/${BACKUP_CONFIG_MAP}`);
    if (edited.text !== live.data[KATIB_CONFIG_KEY]) await store.replace({ ...live, data: { ...live.data, [KATIB_CONFIG_KEY]: edited.text } });
    reportOutcomes(store, edited.outcomes, options);
    for (const { section, algorithm } of chosen) delete previous[section][algorithm];
    if (Object.keys(previous.suggestions).length + Object.keys(previous.earlyStoppings).length === 0) {
      await store.delete(backup);
      options.print(`every entry katib-ts replaced is back; ConfigMap ${store.namespace}/${BACKUP_CONFIG_MAP} deleted`);
    } else {
      await store.replace({ ...backup, data: { ...backup.data, [PREVIOUS_KEY]: stringify(previous) } });
    }
  });
}

/**
 * Runs `attempt` until it completes without a write conflict. Every attempt starts from a fresh read, so a
 * concurrent change is merged, never overwritten; after MAX_ATTEMPTS the command stops and says so.
 */
async function withRetries(command: string, attempt: () => Promise<void>): Promise<void> {
  for (let round = 1; ; round++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      if (round === MAX_ATTEMPTS) {
        throw new Error(`${command}: ${error.message} on each of ${MAX_ATTEMPTS} attempts; someone else keeps writing it, so ${command} stopped (every write it made was checked against what it had read)`);
      }
    }
  }
}

async function readKatibConfig(store: ConfigMapStore): Promise<ConfigMapObject> {
  const live = await store.read(KATIB_CONFIG_MAP);
  const where = `ConfigMap ${store.namespace}/${KATIB_CONFIG_MAP}`;
  if (live === undefined) {
    throw new Error(`${where} does not exist at ${store.server}: is Katib installed in namespace ${store.namespace}? (--namespace picks another)`);
  }
  if (live.data[KATIB_CONFIG_KEY] === undefined) {
    const legacy = LEGACY_KEYS.filter((key) => key in live.data);
    if (legacy.length > 0) {
      throw new Error(
        `${where} is in the format of Katib v0.15 and older (JSON under the keys ${legacy.join(', ')}), not a KatibConfig under ${KATIB_CONFIG_KEY}; ` +
          'katib-ts registers into Katib v0.16 and later: upgrade Katib first, or add the entries of deploy/katib-config/katib-config.yaml to those keys by hand',
      );
    }
    throw new Error(`${where} has no ${KATIB_CONFIG_KEY} key (it has ${Object.keys(live.data).join(', ') || 'no data'}); Katib v0.16 and later read their KatibConfig from it`);
  }
  return live;
}

/** Adds to the backup the entries about to be replaced that it does not hold yet; creates it on first use. */
async function recordPrevious(store: ConfigMapStore, outcomes: readonly EntryOutcome[], originalText: string): Promise<void> {
  const backup = await store.read(BACKUP_CONFIG_MAP);
  const previous = backup === undefined ? emptyPrevious() : readPrevious(backup);
  const fresh = outcomes.filter((outcome) => !(outcome.algorithm in previous[outcome.section]));
  if (backup !== undefined && fresh.length === 0) return;
  for (const outcome of fresh) previous[outcome.section][outcome.algorithm] = outcome.before;
  const data = { [PREVIOUS_KEY]: stringify(previous) };
  if (backup === undefined) {
    await store.create({ name: BACKUP_CONFIG_MAP, namespace: store.namespace, data: { ...data, [ORIGINAL_KEY]: originalText }, annotations: { 'katib-ts/created-at': new Date().toISOString() }, labels: MANAGED_BY });
  } else {
    await store.replace({ ...backup, data: { ...backup.data, ...data } });
  }
}

function emptyPrevious(): Previous {
  return { suggestions: {}, earlyStoppings: {} };
}

function readPrevious(backup: ConfigMapObject): Previous {
  const text = backup.data[PREVIOUS_KEY];
  const parsed = text === undefined ? undefined : (parse(text) as Partial<Previous> | null);
  if (parsed === undefined || parsed === null || typeof parsed !== 'object') {
    throw new Error(`ConfigMap ${backup.namespace}/${backup.name} has no readable ${PREVIOUS_KEY}; it was not written by katib-ts register, or was edited`);
  }
  return { suggestions: { ...(parsed.suggestions ?? {}) }, earlyStoppings: { ...(parsed.earlyStoppings ?? {}) } };
}

function reportOutcomes(store: ConfigMapStore, outcomes: readonly EntryOutcome[], options: RunOptions): void {
  for (const outcome of outcomes) {
    const was = outcome.before === null ? 'none' : String(outcome.before.image);
    const now = outcome.entry === null ? 'none' : outcome.entry.image;
    options.print(`${store.namespace}/${KATIB_CONFIG_MAP} runtime.${outcome.section} ${outcome.algorithm}: ${outcome.action} (image: ${was}${outcome.action === 'unchanged' ? '' : ` -> ${now}`})`);
  }
}

function reportDryRun(store: ConfigMapStore, live: ConfigMapObject, text: string, outcomes: readonly EntryOutcome[], options: RunOptions, also: string): void {
  const name = `${store.namespace}/${KATIB_CONFIG_MAP}`;
  const diff = unifiedDiff(live.data[KATIB_CONFIG_KEY]!, text, { before: `${name} ${KATIB_CONFIG_KEY} (resourceVersion ${live.resourceVersion})`, after: `${name} ${KATIB_CONFIG_KEY} (after)` });
  reportOutcomes(store, outcomes, options);
  if (diff === '') options.print('dry run: no change to make; nothing written');
  else {
    for (const line of diff.trimEnd().split('\n')) options.print(line);
    options.print(`dry run: nothing written; without --dry-run this change would be applied, with ${also}`);
  }
}
