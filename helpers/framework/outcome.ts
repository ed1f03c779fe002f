/** Counting results and turning them into the run's exit code. */
import type { SectionKey } from '../../catalog/types.js';
import type { CheckResult, CheckStatus } from './results.js';
import type { RunInfo, RunReport } from './reporter.js';

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
  interrupted?: string,
): RunReport {
  return {
    info,
    results,
    counts: countResults(results),
    finishedAt,
    exitCode: exitCodeFor(results),
    ...(interrupted !== undefined ? { interrupted } : {}),
  };
}
