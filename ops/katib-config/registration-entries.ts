import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import { CATALOGUE } from '../../services/catalogue.js';
import { repoPath } from '../../shared/repo-root.js';

/** The two lists of a KatibConfig's runtime section that hold algorithm entries. */
export type Section = 'suggestions' | 'earlyStoppings';

/** A KatibConfig entry as plain data: algorithmName, image and the other container fields. */
export type Entry = Record<string, unknown> & { algorithmName: string; image: string };

/** One entry this repository registers, with the section it belongs in. */
export interface Registration {
  section: Section;
  algorithm: string;
  entry: Entry;
}

/**
 * The single source of what our entries look like: deploy/katib-config/katib-config.yaml, the file the kustomize
 * overlay installs and test/katib/conformance decodes into Katib's own types. The register command copies our
 * entries from it (aliases resolved), so the container spec is written once.
 */
export const KATIB_CONFIG_SOURCE = repoPath('deploy', 'katib-config', 'katib-config.yaml');

const SECTION_OF_KIND = { suggestion: 'suggestions', 'early-stopping': 'earlyStoppings' } as const satisfies Record<string, Section>;

/** Every algorithm of the catalogue, with the section Katib reads it from. */
export function catalogueRegistrations(): { section: Section; algorithm: string }[] {
  return CATALOGUE.flatMap((service) => service.algorithms.map((algorithm) => ({ section: SECTION_OF_KIND[service.kind], algorithm: algorithm.name })));
}

/** Our entries as deploy/katib-config/katib-config.yaml writes them, one per catalogue algorithm. */
export function sourceRegistrations(text: string = readFileSync(KATIB_CONFIG_SOURCE, 'utf8')): Registration[] {
  const document = parseDocument(text);
  if (document.errors.length > 0) throw new Error(`${KATIB_CONFIG_SOURCE} is not valid YAML: ${document.errors[0]!.message}`);
  const runtime = (document.toJS() as { runtime?: Partial<Record<Section, Entry[]>> }).runtime ?? {};
  return catalogueRegistrations().map(({ section, algorithm }) => {
    const entry = (runtime[section] ?? []).find((candidate) => candidate.algorithmName === algorithm);
    if (entry === undefined) throw new Error(`${KATIB_CONFIG_SOURCE} has no runtime.${section} entry for ${algorithm}, which services/catalogue.ts lists`);
    return { section, algorithm, entry };
  });
}

/** Where our images come from: `<registry>/<image name>:<tag>`, each part replaceable. */
export interface ImageChoice {
  registry?: string;
  tag?: string;
}

/** "ghcr.io/katib-ts/suggestion-tpe:v0.1.0" with registry "registry.example.com/ml" -> "registry.example.com/ml/suggestion-tpe:v0.1.0". */
export function repointImage(image: string, choice: ImageChoice): string {
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  if (slash < 0 || colon < slash) throw new Error(`image ${JSON.stringify(image)} has no registry and tag to replace`);
  const registry = choice.registry?.replace(/\/+$/, '') ?? image.slice(0, slash);
  const tag = choice.tag ?? image.slice(colon + 1);
  return `${registry}/${image.slice(slash + 1, colon)}:${tag}`;
}

/** The chosen algorithms' entries with their images repointed; an unknown algorithm is an error naming the known ones. */
export function chooseRegistrations(all: readonly Registration[], algorithms: readonly string[] | 'all', images: ImageChoice): Registration[] {
  const known = all.map((registration) => registration.algorithm);
  const chosen = algorithms === 'all' ? known : algorithms;
  for (const algorithm of chosen) {
    if (!known.includes(algorithm)) throw new Error(`unknown algorithm ${JSON.stringify(algorithm)}; katib-ts registers ${known.join(', ')}`);
  }
  return all
    .filter((registration) => chosen.includes(registration.algorithm))
    .map((registration) => ({ ...registration, entry: { ...registration.entry, image: repointImage(registration.entry.image, images) } }));
}
