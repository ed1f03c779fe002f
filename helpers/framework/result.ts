/**
 * The result model, in one place: what a check concludes (a verdict with its
 * evidence), the record of one row after a run, the run's report with its
 * counts and exit code, and the reporter interface the runner calls.
 */
import type { CatalogRow, Profile, SectionKey } from '../../catalog/types.js';

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

export type Verdict =
  | { status: 'passed'; summary: string; evidence?: Evidence }
  | { status: 'failed'; expected: string; observed: string; evidence?: Evidence }
  | { status: 'skipped'; reason: string; evidence?: Evidence };

export function pass(summary: string, evidence?: Evidence): Verdict {
  return { status: 'passed', summary, evidence };
}

/** `expected` says what the spec asks for; `observed` what the cluster showed. */
export function fail(expected: string, observed: string, evidence?: Evidence): Verdict {
  return { status: 'failed', expected, observed, evidence };
}

export function skip(reason: string, evidence?: Evidence): Verdict {
  return { status: 'skipped', reason, evidence };
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
  kubernetesVersion?: string;
  startedAt: string;
  /** Number of results the run will produce. */
  total: number;
}

export interface RunReport {
  info: RunInfo;
  results: CheckResult[];
  counts: Counts;
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

/** A failure that fails the run: must-level and failed or errored. Should/may failures only show. */
export function isBlocking(result: CheckResult): boolean {
  return result.row.level === 'must' && (result.status === 'failed' || result.status === 'error');
}

export const EXIT_OK = 0;
export const EXIT_MUST_FAILED = 1;
export const EXIT_USAGE_OR_ENVIRONMENT = 2;

export function exitCodeFor(results: readonly CheckResult[]): number {
  return results.some(isBlocking) ? EXIT_MUST_FAILED : EXIT_OK;
}

/** A run's report: the counts and exit code always derive from the results. */
export function buildRunReport(
  info: RunInfo,
  results: CheckResult[],
  finishedAt: string,
  interruption?: Interruption,
): RunReport {
  return {
    info,
    results,
    counts: countResults(results),
    finishedAt,
    exitCode: exitCodeFor(results),
    ...(interruption ? { interrupted: interruption.detail, interruption } : {}),
  };
}
