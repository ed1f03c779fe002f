/** The record of one catalog row after a run; what every reporter consumes. */
import type { CatalogRow } from '../../catalog/types.js';
import type { CheckKind } from './registry.js';
import type { Evidence } from './verdict.js';

/**
 * passed / failed / skipped are verdicts; `not-implemented` marks rows whose
 * check is still to be written; `error` is a check that crashed or timed out
 * before reaching a verdict (it counts like a failure).
 */
export type CheckStatus = 'passed' | 'failed' | 'skipped' | 'not-implemented' | 'error';

export interface CheckResult {
  row: CatalogRow;
  /** Section title with number, e.g. "4.2 Kubernetes Node". */
  sectionTitle: string;
  kind: CheckKind;
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
}

export const NOT_IMPLEMENTED_REASON = 'not implemented yet';
