/**
 * The report Sonobuoy gets, whole even when the run was not: the runner's
 * own when it returned, else what the recorder saw, and every selected row
 * once, in catalog order. A row with no result gets one that says why, from
 * the interruption's cause, never from its message.
 */
import type { Catalog } from '../../catalog/types.js';
import type { Check } from '../../helpers/framework/registry.js';
import {
  buildRunReport,
  type CheckResult,
  type Interruption,
  type Reporter,
  type RunInfo,
  type RunReport,
  skip,
} from '../../helpers/framework/result.js';
import { decidedResult, notRunReason } from '../../helpers/framework/runner.js';

/** Records what the runner reports, so partial results survive any way out. */
export class ResultsRecorder implements Reporter {
  readonly name = 'sonobuoy-results';
  info?: RunInfo;
  readonly results = new Map<string, CheckResult>();
  onRunStart(info: RunInfo): void {
    this.info = info;
  }
  onCheckEnd(result: CheckResult): void {
    this.results.set(result.row.id, result);
  }
}

/** What is known of a run: the runner's report, or the recorder's results so far. */
export interface Recorded {
  info?: RunInfo;
  results: ReadonlyMap<string, CheckResult>;
  interruption?: Interruption;
}

export function recordedFrom(report: RunReport): Recorded {
  return {
    info: report.info,
    results: new Map(report.results.map((r) => [r.row.id, r])),
    interruption: report.interruption,
  };
}

/**
 * A row the run never reported. After a signal or the deadline it was not
 * observed: skipped, as the runner reports the rows it did not start. After a
 * crash or an environment error the suite failed it: error.
 */
function unreported(catalog: Catalog, check: Check, stop: Interruption | undefined): CheckResult {
  if (!stop) return decidedResult(catalog, check, skip('run ended: not run'));
  if (stop.cause === 'signal' || stop.cause === 'deadline')
    return { ...decidedResult(catalog, check, skip(notRunReason(stop))), interruption: stop };
  const reason = skip(`not run: the suite stopped: ${stop.detail}`);
  return { ...decidedResult(catalog, check, reason, 'error'), interruption: stop };
}

export function completeReport(
  catalog: Catalog,
  planned: readonly Check[],
  recorded: Recorded,
  stop: Interruption | undefined,
  fallbackInfo: Omit<RunInfo, 'total'>,
  now: Date = new Date(),
): RunReport {
  const at = now.toISOString();
  const results = planned.map(
    (check) => recorded.results.get(check.row.id) ?? { ...unreported(catalog, check, stop), startedAt: at },
  );
  const info = recorded.info ?? { ...fallbackInfo, total: results.length };
  return buildRunReport(
    { ...info, total: results.length },
    results,
    at,
    recorded.interruption ?? stop,
  );
}
