import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import YAML from 'yaml';
import { catalogueAlgorithms } from '../../../services/catalogue.js';
import type { ServiceKind } from '../../../shared/algorithm/service-definition.js';
import { REPO_ROOT } from '../../../shared/repo-root.js';

/** Reading deploy/: its YAML files, kustomizations and the KatibConfig inside the katib-config one. */

export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');

export type Doc = Record<string, any>;

export function yamlFiles(folder = DEPLOY_DIR): string[] {
  const found: string[] = [];
  for (const name of readdirSync(folder)) {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) found.push(...yamlFiles(path));
    else if (/\.ya?ml$/.test(name)) found.push(path);
  }
  return found.sort();
}

/** Every document of a YAML file; throws with the file's name on any parse error or warning. */
export function readDocuments(path: string): Doc[] {
  const documents = YAML.parseAllDocuments(readFileSync(path, 'utf8'));
  const list = Array.isArray(documents) ? documents : [documents];
  const problems = list.flatMap((document) => [...document.errors, ...document.warnings]);
  if (problems.length > 0) throw new Error(`${relative(REPO_ROOT, path)}: ${problems.map((problem) => problem.message).join('; ')}`);
  return list.map((document) => document.toJS() as Doc).filter((document) => document !== null);
}

export function parseDocuments(text: string): Doc[] {
  return YAML.parseAllDocuments(text)
    .map((document) => document.toJS() as Doc)
    .filter((document) => document !== null);
}

export function kustomizationDirs(): string[] {
  return yamlFiles()
    .filter((path) => /\/kustomization\.ya?ml$/.test(path))
    .map((path) => path.replace(/\/kustomization\.ya?ml$/, ''));
}

export function readKustomization(dir: string): Doc {
  return readDocuments(join(dir, 'kustomization.yaml'))[0]!;
}

export const KATIB_CONFIG_DIR = join(DEPLOY_DIR, 'katib-config');
export const KATIB_CONFIG_FILE = join(KATIB_CONFIG_DIR, 'katib-config.yaml');

/** Our suggestion algorithms and the service that serves each, then the early-stopping ones (services/catalogue.ts). */
export const OUR_SUGGESTIONS: Record<string, string> = algorithmServices('suggestion');
export const OUR_EARLY_STOPPINGS: Record<string, string> = algorithmServices('early-stopping');

function algorithmServices(kind: ServiceKind): Record<string, string> {
  return Object.fromEntries(catalogueAlgorithms(kind).map(({ algorithm, service }) => [algorithm, service]));
}

/** The suggestion algorithms Katib v0.19.0 registers in its katib-config. */
const KATIB_SUGGESTIONS = ['random', 'grid', 'tpe', 'multivariate-tpe', 'bayesianoptimization', 'hyperband', 'cmaes', 'sobol', 'enas', 'darts', 'pbt'];

/** Katib's algorithms that katib-ts leaves to the stock images; the katib-config patch must keep them. */
export const STOCK_SUGGESTIONS = KATIB_SUGGESTIONS.filter((algorithm) => !(algorithm in OUR_SUGGESTIONS));

/** Fields Katib v1beta1 reads from an earlyStoppings entry (EarlyStoppingConfig); anything else is ignored. */
export const EARLY_STOPPING_FIELDS = ['algorithmName', 'image', 'imagePullPolicy', 'resources'];

/** "repo/name:tag" -> "repo/name" (a digest or a registry port stays with the name). */
export function imageName(reference: string): string {
  const at = reference.indexOf('@');
  if (at >= 0) return reference.slice(0, at);
  const colon = reference.lastIndexOf(':');
  return colon > reference.lastIndexOf('/') ? reference.slice(0, colon) : reference;
}

/** Kubernetes quantities as numbers (bytes, or cores), for comparing requests with limits. */
export function quantity(value: string | number): number {
  if (typeof value === 'number') return value;
  const match = /^([0-9.]+)(m|Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(value);
  if (!match) throw new Error(`not a quantity: ${value}`);
  const factor: Record<string, number> = { m: 1e-3, Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, k: 1e3, M: 1e6, G: 1e9, T: 1e12 };
  return Number(match[1]) * (match[2] ? factor[match[2]]! : 1);
}
