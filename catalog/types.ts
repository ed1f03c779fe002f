/** Shapes of the RA2 catalog: the spec ids as data, the single source of truth. */

export type Level = 'must' | 'should' | 'may';

/** Anuket infrastructure profiles; `null` on a row means it applies to every profile. */
export type Profile = 'basic' | 'network-intensive';

/** One file per RA2 section under suites/. */
export type SectionKey =
  'node' | 'kubernetes' | 'runtime' | 'networking' | 'storage' | 'packaging' | 'workloads';

export interface CatalogSection {
  key: SectionKey;
  /** e.g. "4.2" */
  number: string;
  /** e.g. "Kubernetes Node" */
  title: string;
  /** the id prefix of the section's rows, e.g. "ra2.ch" */
  idPrefix: string;
}

export interface CatalogRow {
  /** Stable id; equals specId except where the spec reuses an id (ra2.k8s.012a/b). */
  id: string;
  /** The id exactly as the spec text prints it. */
  specId: string;
  section: SectionKey;
  /** The "Specification" column. */
  title: string;
  /** The "Details" column, verbatim. */
  text: string;
  level: Level;
  /** The profile the row is limited to, if any. */
  profile: Profile | null;
  /** Any other applicability condition, in words ("if VMs are used"), or null. */
  condition: string | null;
  requirementTrace: string | null;
  referenceImplementationTrace: string | null;
  /** Editorial remark shown in reports (id splits, derived titles, level reasoning). */
  note?: string;
}

export interface Catalog {
  release: string;
  /** Human title of the release. */
  title: string;
  /** Where the rows were transcribed from (repository-relative path). */
  source: string;
  sections: CatalogSection[];
  rows: CatalogRow[];
}
