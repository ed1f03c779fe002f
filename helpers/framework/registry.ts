/**
 * Declaring checks. A suite file describes its checks with `spec(id, options,
 * body)`; binding the suites to a catalog looks every id up and throws on an
 * unknown id, a duplicate, or an id from another section. Names and tags are
 * rendered from the catalog, never typed in a suite.
 */
import type { Catalog, CatalogRow, SectionKey } from '../../catalog/types.js';
import type { CheckContext } from './context.js';
import type { CheckKind, Verdict } from './result.js';

export type { CheckKind };

/** Pod Security admission level the check's namespace enforces. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

export interface CheckOptions {
  kind: CheckKind;
  /**
   * One sentence: what the check observes, to hold against the RA2 text.
   * Required for probe and inspect checks; shown by `ra2 list`, JUnit and the report.
   */
  observes?: string;
  /** Changes cluster state beyond its own namespace; runs only with --disruptive. */
  disruptive?: boolean;
  /** Defaults to "restricted"; say so when a probe needs more. */
  podSecurity?: PodSecurityLevel;
}

export type CheckBody = (ctx: CheckContext) => Promise<Verdict>;

export interface Check {
  row: CatalogRow;
  options: Required<CheckOptions>;
  /** Absent for attest checks (the attestation is the evidence) and not-implemented ones. */
  body?: CheckBody;
  /** Declared with spec.todo: the row is reported as not-implemented. */
  notImplemented: boolean;
}

export interface SpecFunction {
  (id: string, options: CheckOptions, body?: CheckBody): void;
  /** A row whose check comes later; `options.kind` is the kind it is planned to be. */
  todo(id: string, options: CheckOptions): void;
}

export interface Suite {
  section: SectionKey;
  define(spec: SpecFunction): void;
}

export function defineSuite(section: SectionKey, define: (spec: SpecFunction) => void): Suite {
  return { section, define };
}

export class CheckDeclarationError extends Error {
  override name = 'CheckDeclarationError';
}

/** Binds suites to a catalog; the returned checks are in catalog order. */
export function bindSuites(catalog: Catalog, suites: readonly Suite[]): Check[] {
  const rows = new Map(catalog.rows.map((row) => [row.id, row]));
  const checks = new Map<string, Check>();

  for (const suite of suites) {
    const declare = (
      id: string,
      options: CheckOptions,
      body: CheckBody | undefined,
      todo: boolean,
    ) => {
      const row = rows.get(id);
      if (!row)
        throw new CheckDeclarationError(
          `check declared for unknown id ${id} (release ${catalog.release})`,
        );
      if (row.section !== suite.section) {
        throw new CheckDeclarationError(
          `${id} belongs to section ${row.section}, not ${suite.section}`,
        );
      }
      if (checks.has(id)) throw new CheckDeclarationError(`check ${id} is declared twice`);
      if (!todo && options.kind !== 'attest' && !body) {
        throw new CheckDeclarationError(`${options.kind} check ${id} needs a body`);
      }
      if (!todo && options.kind !== 'attest' && !options.observes?.trim()) {
        throw new CheckDeclarationError(
          `${options.kind} check ${id} needs an observes sentence: what it looks at, to hold against the RA2 text`,
        );
      }
      checks.set(id, {
        row,
        options: { disruptive: false, podSecurity: 'restricted', observes: '', ...options },
        body,
        notImplemented: todo,
      });
    };
    const spec: SpecFunction = Object.assign(
      (id: string, options: CheckOptions, body?: CheckBody) => declare(id, options, body, false),
      { todo: (id: string, options: CheckOptions) => declare(id, options, undefined, true) },
    );
    suite.define(spec);
  }

  return catalog.rows.flatMap((row) => {
    const check = checks.get(row.id);
    return check ? [check] : [];
  });
}

/** Rows that no suite declares a check for (the unit tests demand none). */
export function uncoveredRows(catalog: Catalog, checks: readonly Check[]): CatalogRow[] {
  const covered = new Set(checks.map((check) => check.row.id));
  return catalog.rows.filter((row) => !covered.has(row.id));
}
