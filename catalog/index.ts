/**
 * Loads a release's catalog from catalog/releases/<release>.json and checks
 * its shape, so a hand edit that breaks the data fails loudly at start-up.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from './package-root.js';
import type { Catalog, CatalogRow, Level, Profile, SectionKey } from './types.js';

export type * from './types.js';

export const DEFAULT_RELEASE = 'v-chapter4-2026';

const root = packageRoot();
const releasesCandidate = root ? path.join(root, 'catalog', 'releases') : undefined;
const releasesDir =
  releasesCandidate && hasFiles(releasesCandidate) ? releasesCandidate : undefined;

function hasFiles(dir: string): boolean {
  try {
    return readdirSync(dir).length > 0;
  } catch {
    return false;
  }
}

export function listReleases(): string[] {
  if (!releasesDir) return [];
  return readdirSync(releasesDir)
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}

export class UnknownReleaseError extends Error {
  constructor(release: string) {
    super(`unknown RA2 release "${release}" (known: ${listReleases().join(', ') || 'none'})`);
    this.name = 'UnknownReleaseError';
  }
}

export function loadCatalog(release: string = DEFAULT_RELEASE): Catalog {
  if (!releasesDir || !listReleases().includes(release)) throw new UnknownReleaseError(release);
  const raw = readFileSync(path.join(releasesDir, `${release}.json`), 'utf8');
  return validateCatalog(JSON.parse(raw) as Catalog);
}

const levels: readonly Level[] = ['must', 'should', 'may'];
const profiles: readonly (Profile | null)[] = ['basic', 'network-intensive', null];
const sectionKeys: readonly SectionKey[] = [
  'node',
  'kubernetes',
  'runtime',
  'networking',
  'storage',
  'packaging',
  'workloads',
];

export function validateCatalog(catalog: Catalog): Catalog {
  const problems: string[] = [];
  const ids = new Set<string>();
  for (const row of catalog.rows) {
    if (ids.has(row.id)) problems.push(`duplicate id ${row.id}`);
    ids.add(row.id);
    if (!levels.includes(row.level)) problems.push(`${row.id}: bad level ${row.level}`);
    if (!profiles.includes(row.profile)) problems.push(`${row.id}: bad profile ${row.profile}`);
    if (!sectionKeys.includes(row.section)) problems.push(`${row.id}: bad section ${row.section}`);
    const section = catalog.sections.find((s) => s.key === row.section);
    if (!section || !row.id.startsWith(`${section.idPrefix}.`)) {
      problems.push(`${row.id}: id does not belong to section ${row.section}`);
    }
    if (!row.title || !row.text) problems.push(`${row.id}: title and text are required`);
  }
  if (problems.length > 0) {
    throw new Error(`catalog ${catalog.release} is invalid: ${problems.join('; ')}`);
  }
  return catalog;
}

export function sectionOf(catalog: Catalog, row: CatalogRow): { number: string; title: string } {
  const section = catalog.sections.find((s) => s.key === row.section);
  return { number: section?.number ?? '', title: section?.title ?? row.section };
}
