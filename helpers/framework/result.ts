/**
 * The result model, in one place: what a check concludes (a verdict with its
 * evidence), the record of one row after a run, the run's report with its
 * counts and exit code, and the reporter interface the runner calls.
 */
import type { CatalogRow, Profile, SectionKey } from '../../catalog/types.js';
import type { RunMetadata } from './run-metadata-model.js';

export * from './run-metadata-model.js';

/**
 * probe: schedules workloads and asserts what they observe.
 * inspect: reads cluster state through the API.
 * attest: not observable from inside a cluster; needs user-supplied evidence.
 */
export type CheckKind = 'probe' | 'inspect' | 'attest';

/**
 * What a check concludes. Checks return verdicts; they never print them.
 * Evidence is whatever was observed, kept as data so every reporter can render it.
 */

export type Evidence = Record<string, unknown>;

/**
 * Why a row was skipped. `not-applicable`: the row does not apply to this
 * cluster (another profile, a condition that does not hold, an operator's
 * attested non-applicability). `not-observed`: the row applies, or may, but
 * the run could not see it (no evidence, not enabled, interrupted). A skip
 * is not observed unless it says otherwise.
 */
export type Applicability = 'not-applicable' | 'not-observed';

/** What an operator attested for a row, as the results show it. */
export interface AttestationRecord {
  attestedBy: string;
  statement?: string;
  evidence?: unknown;
  /** Set when the operator states the row does not apply: the reason. */
  notApplicable?: string;
  /** ISO date after which the attestation no longer holds. */
  expires?: string;
}

export type Verdict =
  | { status: 'passed'; summary: string; evidence?: Evidence; attestation?: AttestationRecord }
  | { status: 'failed'; expected: string; observed: string; evidence?: Evidence }
  | {
      status: 'skipped';
      reason: string;
      evidence?: Evidence;
      applicability?: Applicability;
      attestation?: AttestationRecord;
    };

export function pass(summary: string, evidence?: Evidence): Verdict {
  return { status: 'passed', summary, evidence };
}

/** `expected` says what the spec asks for; `observed` what the cluster showed. */
export function fail(expected: string, observed: string, evidence?: Evidence): Verdict {
  return { status: 'failed', expected, observed, evidence };
}

/** The row applies (or may) but was not observed: no evidence, not enabled, nothing to judge. */
export function skip(reason: string, evidence?: Evidence): Verdict {
  return { status: 'skipped', reason, evidence };
}

/** The row does not apply here: its condition does not hold on this cluster, or another profile. */
export function notApplicable(reason: string, evidence?: Evidence): Verdict {
  return { status: 'skipped', reason, evidence, applicability: 'not-applicable' };
}

/** A pass on the operator's word, never a verified one; `observed` is what the check saw, if anything. */
export function attestedPass(attestation: AttestationRecord, observed?: string): Verdict {
  return {
    status: 'passed',
    summary: `attested by ${attestation.attestedBy}: ${attestation.statement ?? ''}${observed ? ` (the check could not observe it: ${observed})` : ''}`,
    evidence: {
      statement: attestation.statement,
      evidence: attestation.evidence,
      attestedBy: attestation.attestedBy,
      ...(attestation.expires ? { expires: attestation.expires } : {}),
    },
    attestation,
  };
}

/** The operator states the row's condition does not hold here. */
export function attestedNotApplicable(attestation: AttestationRecord): Verdict {
  return {
    status: 'skipped',
    reason: `not applicable, attested by ${attestation.attestedBy}: ${attestation.notApplicable ?? ''}`,
    evidence: { attestedBy: attestation.attestedBy, notApplicable: attestation.notApplicable },
    applicability: 'not-applicable',
    attestation,
  };
}

/**
 * Ends a check early with a verdict: a precondition that did not hold (for
 * example "a pod with ephemeral-storage limits to run") decides the row, with
 * its evidence, so a check body reads top-down without nested returns.
 */
export class CheckEnded extends Error {
  override name = 'CheckEnded';
  constructor(readonly verdict: Verdict) {
    super(`check ended: ${verdict.status}`);
  }
}

export function endWith(verdict: Verdict): never {
  throw new CheckEnded(verdict);
}

/** The record of one catalog row after a run; what every reporter consumes. */

/**
 * passed / failed / skipped are verdicts; `not-implemented` marks rows whose
 * check is still to be written; `error` is a check that crashed or timed out
 * before reaching a verdict (it counts like a failure).
 */
export type CheckStatus = 'passed' | 'failed' | 'skipped' | 'not-implemented' | 'error';

/**
 * Why a run stopped before every row had its chance. The runner stops on a
 * signal (SIGINT, SIGTERM) or at the whole-run deadline; the Sonobuoy plugin,
 * which writes results on every way out, adds a crash and an environment
 * error (bad configuration, unreachable cluster). `detail` is the one line
 * shown: "SIGTERM received", "deadline reached (RA2_DEADLINE=2h50m)". A row
 * cut short or kept from starting carries it, so no reader has to recognise
 * an interruption by its message.
 */
export interface Interruption {
  cause: 'signal' | 'deadline' | 'crash' | 'environment';
  detail: string;
}

export interface CheckResult {
  row: CatalogRow;
  /** Section title with number, e.g. "4.2 Kubernetes Node". */
  sectionTitle: string;
  kind: CheckKind;
  /** The check's own sentence: what it observes (absent when the check declares none). */
  observes?: string;
  status: CheckStatus;
  /** One line: pass summary, skip reason, or failure/error message. */
  message: string;
  expected?: string;
  observed?: string;
  evidence?: Evidence;
  /** The check's own log lines (rendered as JUnit system-out). */
  log: string[];
  durationMs: number;
  startedAt: string;
  /** Set when an interruption cut this row short or kept it from starting: it has no verdict. */
  interruption?: Interruption;
  /** On a skipped row: whether it does not apply, or was not observed (the default). */
  applicability?: Applicability;
  /** Set when the verdict rests on the operator's attestation rather than an observation. */
  attestation?: AttestationRecord;
}

/**
 * A verdict's fields on the row's result: the one conversion, so the
 * applicability of a skip and the attestation behind a pass are never lost.
 */
export function resultFieldsOf(
  verdict: Verdict,
): Pick<
  CheckResult,
  'status' | 'message' | 'expected' | 'observed' | 'evidence' | 'applicability' | 'attestation'
> {
  if (verdict.status === 'failed') {
    return {
      status: 'failed',
      message: `expected ${verdict.expected}; observed ${verdict.observed}`,
      expected: verdict.expected,
      observed: verdict.observed,
      evidence: verdict.evidence,
    };
  }
  return {
    status: verdict.status,
    message: verdict.status === 'passed' ? verdict.summary : verdict.reason,
    evidence: verdict.evidence,
    ...(verdict.status === 'skipped' && verdict.applicability
      ? { applicability: verdict.applicability }
      : {}),
    ...(verdict.attestation ? { attestation: verdict.attestation } : {}),
  };
}

export const NOT_IMPLEMENTED_REASON = 'not implemented yet';

/**
 * The reporter interface. The runner calls every reporter in order at each
 * step; a reporter that throws is logged and ignored, never fatal to the run.
 * A Sonobuoy progress reporter plugs in here (POST after each onCheckEnd).
 */

export interface RunInfo {
  runId: string;
  release: string;
  releaseTitle: string;
  profile: Profile;
  /** How the profile was chosen: "given" or "auto: <reason>". */
  profileSource: string;
  server?: string;
  context?: string;
  /** Where the credentials came from, in kubectl's order (--kubeconfig, KUBECONFIG, ~/.kube/config, in-cluster). */
  source?: string;
  kubernetesVersion?: string;
  startedAt: string;
  /** Number of results the run will produce. */
  total: number;
  /** The attestations file the run read, if any. */
  attestations?: AttestationsFileInfo;
  /** Tool, catalog, options, probe image and what the cluster is built from. */
  metadata?: RunMetadata;
}

export interface AttestationsFileInfo {
  file: string;
  /** SHA-256 of the file's bytes, hex: which statements the results rest on. */
  sha256: string;
  entries: number;
}

export interface RunReport {
  info: RunInfo;
  results: CheckResult[];
  counts: Counts;
  /** verified, attested, failed, not applicable, not observed. */
  findings: FindingCounts;
  outcome: Outcome;
  finishedAt: string;
  exitCode: number;
  /** Set when the run was cut short: the interruption's detail ("SIGTERM received"). */
  interrupted?: string;
  /** Set with `interrupted`: why the run stopped early. */
  interruption?: Interruption;
}

export interface Reporter {
  readonly name: string;
  onRunStart?(info: RunInfo): void | Promise<void>;
  onCheckStart?(row: CatalogRow, index: number, total: number): void | Promise<void>;
  onCheckEnd?(result: CheckResult, index: number, total: number): void | Promise<void>;
  onRunEnd?(report: RunReport): void | Promise<void>;
}

/** Counting results and turning them into the run's exit code. */

export type Counts = Record<CheckStatus, number>;

export interface SectionSummary {
  section: SectionKey;
  title: string;
  counts: Counts;
}

export function emptyCounts(): Counts {
  return { passed: 0, failed: 0, skipped: 0, 'not-implemented': 0, error: 0 };
}

export function countResults(results: readonly CheckResult[]): Counts {
  const counts = emptyCounts();
  for (const result of results) counts[result.status]++;
  return counts;
}

/** Per section, in the order sections first appear in the results. */
export function summariseBySection(results: readonly CheckResult[]): SectionSummary[] {
  const sections = new Map<SectionKey, SectionSummary>();
  for (const result of results) {
    const key = result.row.section;
    if (!sections.has(key))
      sections.set(key, { section: key, title: result.sectionTitle, counts: emptyCounts() });
    (sections.get(key) as SectionSummary).counts[result.status]++;
  }
  return [...sections.values()];
}

/** A failure that fails the run: a must-level row that failed. Should/may failures only show. */
export function isBlocking(result: CheckResult): boolean {
  return result.row.level === 'must' && result.status === 'failed';
}

/**
 * What a row contributes to the outcome. verified: passed on what the suite
 * observed. attested: passed on the operator's word. failed: the cluster does
 * not meet the row. not-applicable: the row does not apply here. not-observed:
 * no verdict on the cluster (a skip for lack of evidence, not enabled, an
 * error of the run, interrupted, no check yet).
 */
export type Finding = 'verified' | 'attested' | 'failed' | 'not-applicable' | 'not-observed';

export type FindingCounts = Record<Finding, number>;

/**
 * A skipped row of another profile than the run's does not apply (the planner
 * skips those); an attest row can only pass on an attestation.
 */
export function findingOf(result: CheckResult, profile?: Profile): Finding {
  switch (result.status) {
    case 'passed':
      return result.attestation || result.kind === 'attest' ? 'attested' : 'verified';
    case 'failed':
      return 'failed';
    case 'skipped':
      if (result.interruption) return 'not-observed';
      return result.applicability === 'not-applicable' || ofAnotherProfile(result, profile)
        ? 'not-applicable'
        : 'not-observed';
    case 'error':
    case 'not-implemented':
      return 'not-observed';
  }
}

function ofAnotherProfile(result: CheckResult, profile: Profile | undefined): boolean {
  return Boolean(profile && result.row.profile && result.row.profile !== profile);
}

export function countFindings(results: readonly CheckResult[], profile?: Profile): FindingCounts {
  const counts: FindingCounts = {
    verified: 0,
    attested: 0,
    failed: 0,
    'not-applicable': 0,
    'not-observed': 0,
  };
  for (const result of results) counts[findingOf(result, profile)]++;
  return counts;
}

/**
 * The run's one answer. conformant: every applicable MUST row passed
 * (verified, or attested where the row takes an attestation). not-conformant:
 * some MUST row failed. incomplete: no MUST row failed, but some were not
 * observed. SHOULD and MAY rows never change it.
 */
export type Outcome = 'conformant' | 'not-conformant' | 'incomplete';

/** MUST rows that applied but got no verdict on the cluster, with their reason in `message`. */
export function notObservedMustRows(
  results: readonly CheckResult[],
  profile?: Profile,
): CheckResult[] {
  return results.filter((r) => r.row.level === 'must' && findingOf(r, profile) === 'not-observed');
}

export function outcomeOf(results: readonly CheckResult[], profile?: Profile): Outcome {
  if (results.some(isBlocking)) return 'not-conformant';
  return notObservedMustRows(results, profile).length > 0 ? 'incomplete' : 'conformant';
}

export const EXIT_CONFORMANT = 0;
export const EXIT_NOT_CONFORMANT = 1;
export const EXIT_USAGE_OR_ENVIRONMENT = 2;
export const EXIT_INCOMPLETE = 3;
/** Older names of the first two. */
export const EXIT_OK = EXIT_CONFORMANT;
export const EXIT_MUST_FAILED = EXIT_NOT_CONFORMANT;

const exitCodes: Record<Outcome, number> = {
  conformant: EXIT_CONFORMANT,
  'not-conformant': EXIT_NOT_CONFORMANT,
  incomplete: EXIT_INCOMPLETE,
};

export function exitCodeForOutcome(outcome: Outcome): number {
  return exitCodes[outcome];
}

export function exitCodeFor(results: readonly CheckResult[], profile?: Profile): number {
  return exitCodeForOutcome(outcomeOf(results, profile));
}

/** A run's report: the counts, outcome and exit code always derive from the results. */
export function buildRunReport(
  info: RunInfo,
  results: CheckResult[],
  finishedAt: string,
  interruption?: Interruption,
): RunReport {
  const outcome = outcomeOf(results, info.profile);
  return {
    info,
    results,
    counts: countResults(results),
    findings: countFindings(results, info.profile),
    outcome,
    finishedAt,
    exitCode: exitCodeForOutcome(outcome),
    ...(interruption ? { interrupted: interruption.detail, interruption } : {}),
  };
}
