import { isMap, isScalar, isSeq, parseDocument, stringify, visit, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Entry, Section } from './registration-entries.js';

/** What one algorithm's entry should become: `entry`, or no entry at all (null). */
export interface EntryChange {
  section: Section;
  algorithm: string;
  entry: Entry | null;
}

/** What an edit did to one algorithm's entry. */
export interface EntryOutcome extends EntryChange {
  action: 'added' | 'replaced' | 'removed' | 'unchanged';
  /** The entry before the edit, null when there was none. */
  before: Entry | null;
}

/** A KatibConfig text that cannot be edited, with the reason. */
export class KatibConfigFormatError extends Error {}

/**
 * Applies `changes` to the text of a KatibConfig (the `katib-config.yaml` key of Katib's ConfigMap) and leaves
 * everything else as it was: the text is edited as a YAML document, so comments, key order, quoting and the other
 * entries survive, and an entry that already has the wanted content is not touched at all. Returns the text
 * unchanged, byte for byte, when nothing changes.
 */
export function editKatibConfig(text: string, changes: readonly EntryChange[]): { text: string; outcomes: EntryOutcome[] } {
  const document = parseKatibConfig(text);
  const outcomes = changes.map((change) => ({ ...change, before: currentEntry(document, change.section, change.algorithm), action: 'unchanged' as EntryOutcome['action'] }));
  const edits = outcomes.filter((outcome) => {
    if (outcome.entry === null) return outcome.before !== null;
    return outcome.before === null || !sameData(outcome.before, outcome.entry);
  });
  if (edits.length === 0) return { text, outcomes };

  const spliced = spliceEdits(text, parseDocument(text), edits);
  for (const edit of edits) edit.action = edit.entry === null ? 'removed' : edit.before === null ? 'added' : 'replaced';
  const rewritten = rewriteDocument(document, edits);
  // The spliced text is what the operator wants (everything else byte for byte); it is used when it reads as
  // the same data as the rewritten document, which is always right but re-formats the whole text.
  if (spliced !== undefined && sameData(parseDocument(spliced).toJS(), parseDocument(rewritten).toJS())) return { text: spliced, outcomes };
  return { text: rewritten, outcomes };
}

/**
 * The edits applied to the document's tree, printed anew: correct whatever the text's shape (a missing or flow
 * style list, anchors shared between entries), but comments' spacing and quoting are re-formatted everywhere.
 */
function rewriteDocument(document: Document, edits: readonly EntryChange[]): string {
  const replaced = edits.flatMap((edit) => {
    const item = itemNode(document, edit.section, edit.algorithm);
    return item === undefined ? [] : [item];
  });
  inlineAliasesInto(document, replaced);
  for (const edit of edits) {
    const list = sectionList(document, edit.section, true)!;
    const index = list.items.findIndex((item) => algorithmOf(item) === edit.algorithm);
    if (edit.entry === null) list.items.splice(index, 1);
    else if (index >= 0) {
      const node = document.createNode(edit.entry) as Node;
      const old = list.items[index] as Node;
      node.commentBefore = old.commentBefore;
      node.spaceBefore = old.spaceBefore;
      list.items[index] = node;
    } else list.items.push(document.createNode(edit.entry));
  }
  return document.toString();
}

/**
 * The edits as changes to the text itself: an entry replaced where its lines are, a new one written after the
 * list's last item at the same indentation, a removed one cut out with its lines. Everything else stays byte for
 * byte. Undefined when the text's shape does not allow it (no block list to add to, anchors in an entry that
 * something else refers to); the caller then rewrites the document.
 */
function spliceEdits(text: string, pristine: Document, edits: readonly EntryChange[]): string | undefined {
  const splices: { start: number; end: number; text: string }[] = [];
  const aliased = aliasTargets(pristine);
  for (const edit of edits) {
    const list = sectionList(pristine, edit.section);
    if (list === undefined || list.flow || list.items.length === 0) return undefined;
    const item = itemNode(pristine, edit.section, edit.algorithm);
    if (item !== undefined && holdsAny(item, aliased)) return undefined;
    const anchor = (item ?? (list.items[list.items.length - 1] as Node)).range;
    if (anchor === undefined || anchor === null) return undefined;
    const [start, , end] = anchor;
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const dash = text.lastIndexOf('-', start - 1);
    if (dash < lineStart || text.slice(lineStart, dash).trim() !== '' || text.slice(dash + 1, start).trim() !== '') return undefined;
    const newline = text.slice(start, end).endsWith('\n') ? '\n' : '';
    if (edit.entry === null) splices.push({ start: lineStart, end, text: '' });
    else if (item !== undefined) splices.push({ start, end, text: renderEntry(edit.entry, start - lineStart) + newline });
    else {
      const itemText = `${' '.repeat(dash - lineStart)}-${' '.repeat(start - dash - 1)}${renderEntry(edit.entry, start - lineStart)}\n`;
      splices.push({ start: end, end, text: (newline === '' ? '\n' : '') + itemText });
    }
  }
  // From the end backwards, so that earlier positions stay valid; additions at one place keep their order.
  let result = text;
  for (const splice of splices.map((splice, order) => ({ ...splice, order })).sort((a, b) => b.start - a.start || b.order - a.order)) {
    result = result.slice(0, splice.start) + splice.text + result.slice(splice.end);
  }
  return result;
}

/** A block mapping whose first line follows "- " and whose other lines are indented to `column`. */
function renderEntry(entry: Entry, column: number): string {
  const lines = stringify(entry, { lineWidth: 0 }).trimEnd().split('\n');
  return [lines[0], ...lines.slice(1).map((line) => (line === '' ? line : ' '.repeat(column) + line))].join('\n');
}

/** The nodes some alias of the document points to. */
function aliasTargets(document: Document): Set<unknown> {
  const targets = new Set<unknown>();
  visit(document, {
    Alias(_key, alias) {
      targets.add(alias.resolve(document));
    },
  });
  return targets;
}

function holdsAny(node: Node, targets: Set<unknown>): boolean {
  if (targets.has(node)) return true;
  let found = false;
  visit(node, (_key, child) => {
    if (targets.has(child)) found = true;
  });
  return found;
}

/** The current entries of the given algorithms (null for none), read from a KatibConfig text. */
export function currentEntries(text: string, wanted: readonly { section: Section; algorithm: string }[]): (Entry | null)[] {
  const document = parseKatibConfig(text);
  return wanted.map(({ section, algorithm }) => currentEntry(document, section, algorithm));
}

function parseKatibConfig(text: string): Document {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new KatibConfigFormatError(`katib-config.yaml is not valid YAML: ${document.errors[0]!.message}`);
  if (!isMap(document.contents)) throw new KatibConfigFormatError('katib-config.yaml is not a KatibConfig: its top level is not a mapping');
  const kind = document.get('kind');
  if (kind !== undefined && kind !== 'KatibConfig') throw new KatibConfigFormatError(`katib-config.yaml has kind ${JSON.stringify(kind)}; expected KatibConfig`);
  if (!absentOr(document.get('runtime', true), isMap)) throw new KatibConfigFormatError('katib-config.yaml has a runtime that is not a mapping');
  for (const section of ['suggestions', 'earlyStoppings'] as const) {
    if (!absentOr(document.getIn(['runtime', section], true), isSeq)) throw new KatibConfigFormatError(`katib-config.yaml has a runtime.${section} that is not a list`);
  }
  return document;
}

/** Missing, empty (`key:` with no value) or of the expected kind. */
function absentOr(node: unknown, expected: (node: unknown) => boolean): boolean {
  return node === undefined || node === null || (isScalar(node) && node.value === null) || expected(node);
}

/** runtime.<section> as a sequence node; created (with runtime) when `create` and missing or empty. */
function sectionList(document: Document, section: Section, create = false): YAMLSeq | undefined {
  const list = document.getIn(['runtime', section], true);
  if (isSeq(list)) return list;
  if (!create) return undefined;
  if (!isMap(document.get('runtime', true))) document.set('runtime', document.createNode({}));
  const created = document.createNode([]) as YAMLSeq;
  (document.get('runtime', true) as YAMLMap).set(section, created);
  return created;
}

function algorithmOf(item: unknown): unknown {
  return isMap(item) ? item.get('algorithmName') : undefined;
}

function itemNode(document: Document, section: Section, algorithm: string): Node | undefined {
  return sectionList(document, section)?.items.find((item) => algorithmOf(item) === algorithm) as Node | undefined;
}

function currentEntry(document: Document, section: Section, algorithm: string): Entry | null {
  const item = itemNode(document, section, algorithm);
  return item === undefined ? null : (item.toJS(document) as Entry);
}

/**
 * An alias elsewhere in the document (e.g. `env: *suggestionEnv` in another entry) that points into a node about
 * to be replaced would be left dangling: such aliases become copies of what they point to first.
 */
function inlineAliasesInto(document: Document, replaced: readonly Node[]): void {
  const inside = new Set<unknown>();
  for (const node of replaced) {
    inside.add(node);
    visit(node, (_key, child) => {
      inside.add(child);
    });
  }
  visit(document, {
    Alias(_key, alias) {
      if (inside.has(alias)) return undefined;
      const target = alias.resolve(document);
      if (target === undefined || !inside.has(target)) return undefined;
      return document.createNode(target.toJS(document)) as Node;
    },
  });
}

/** Equal as data (key order aside), as Katib would read both. */
function sameData(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
  }
  return value;
}
