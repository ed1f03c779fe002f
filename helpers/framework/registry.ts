/**
 * Declaring checks. A suite file describes its checks with `spec(id, options,
 * body)`; binding the suites to a catalog looks every id up and throws on an
 * unknown id, a duplicate, or an id from another section. Names and tags are
 * rendered from the catalog, never typed in a suite.
 */
import type { Catalog, CatalogRow, SectionKey } from '../../catalog/types.js';
import {
  acceptsEvidence,
  acceptsNotApplicable,
  type Acceptance,
  type Attestable,
} from './attestations.js';
import type { CheckContext } from './context.js';
import {
  attestedNotApplicable,
  attestedPass,
  CheckEnded,
  type CheckKind,
  type Verdict,
} from './result.js';

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
  /**
   * Changes shared cluster state: relabels nodes, changes a cluster-wide
   * default; runs alone (the runner starts nothing else while it runs), so
   * the checks running beside it never see the change.
   */
  exclusive?: boolean;
  /**
   * Its wall time is mostly a wait on the cluster (a load balancer address, a
   * policy to take effect): it starts before the other checks, so that the
   * wait overlaps them instead of ending the run.
   */
  longWait?: boolean;
  /** Defaults to "restricted"; say so when a probe needs more. */
  podSecurity?: PodSecurityLevel;
  /**
   * Which attestation the row takes (`ra2 attest init` lists these rows).
   * Attest rows take evidence; a probe or inspect row takes none unless it
   * says: `evidence` where the check cannot see everything on some clusters
   * (an attestation stands in when it skips as not observed),
   * `not-applicable` where the row's condition is about the workloads (the
   * operator states it does not hold, and the check is not run).
   */
  attestable?: Attestable;
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
      const attestable = options.attestable ?? (options.kind === 'attest' ? 'evidence' : 'none');
      checks.set(id, {
        row,
        options: {
          disruptive: false,
          exclusive: false,
          longWait: false,
          podSecurity: 'restricted',
          observes: '',
          ...options,
          attestable,
        },
        body: body && attestable !== 'none' ? withAttestation(body, attestable) : body,
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

/** The body's verdict, whether returned or ended early with endWith. */
async function verdictOf(body: CheckBody, ctx: CheckContext): Promise<Verdict> {
  try {
    return await body(ctx);
  } catch (err) {
    if (err instanceof CheckEnded) return err.verdict;
    throw err;
  }
}

/**
 * A body that takes the row's attestation into account. An attested "not
 * applicable" decides the row without running the check. Attested evidence
 * stands in only where the check could not observe (a not-observed skip): a
 * pass or failure the check observed stands, and an error stays an error.
 */
function withAttestation(body: CheckBody, attestable: Attestable): CheckBody {
  return async (ctx) => {
    const attestation = ctx.attestation;
    if (!attestation) return body(ctx);
    if (attestation.notApplicable !== undefined && acceptsNotApplicable(attestable)) {
      ctx.log(`attested not applicable by ${attestation.attestedBy}; the check is not run`);
      return attestedNotApplicable(attestation);
    }
    const verdict = await verdictOf(body, ctx);
    const notObserved = verdict.status === 'skipped' && verdict.applicability !== 'not-applicable';
    if (notObserved && attestation.notApplicable === undefined && acceptsEvidence(attestable)) {
      ctx.log(`not observed (${verdict.reason}); the attestation stands in`);
      return attestedPass(attestation, verdict.reason);
    }
    ctx.log('the check reached its own verdict; the attestation is not used');
    return verdict;
  };
}

/** What every declared row accepts, for `ra2 attest validate` and the run's own check of its file. */
export function acceptanceOf(catalog: Catalog, checks: readonly Check[]): Acceptance {
  const declared = new Map(checks.map((check) => [check.row.id, check.options.attestable]));
  return new Map(catalog.rows.map((row) => [row.id, declared.get(row.id) ?? 'none']));
}

/** Rows that no suite declares a check for (the unit tests demand none). */
export function uncoveredRows(catalog: Catalog, checks: readonly Check[]): CatalogRow[] {
  const covered = new Set(checks.map((check) => check.row.id));
  return catalog.rows.filter((row) => !covered.has(row.id));
}
