/** Progress line per check while it runs, and a summary by section at the end. */
import {
  isBlocking,
  notObservedMustRows,
  summariseBySection,
  type CheckResult,
  type Reporter,
  type RunInfo,
  type RunReport,
} from '../framework/result.js';
import {
  attestationsText,
  findingsText,
  notObservedReason,
  outcomeText,
  statusWord,
  testName,
} from './format.js';

export interface TextSink {
  write(text: string): unknown;
}

export class ConsoleReporter implements Reporter {
  readonly name = 'console';
  constructor(private readonly out: TextSink) {}

  onRunStart(info: RunInfo): void {
    this.out.write(
      `RA2 conformance run ${info.runId}: release ${info.release}, profile ${info.profile} (${info.profileSource})` +
        `${info.server ? `, cluster ${info.context ?? ''} at ${info.server}` : ''}` +
        `${info.source ? ` from ${info.source}` : ''}` +
        `${info.kubernetesVersion ? ` (${info.kubernetesVersion})` : ''}; ${info.total} checks\n`,
    );
    const attestations = attestationsText(info);
    if (attestations) this.out.write(`Attestations: ${attestations}\n`);
  }

  onCheckEnd(result: CheckResult, index: number, total: number): void {
    const width = String(total).length;
    const seconds = (result.durationMs / 1000).toFixed(1);
    const note =
      result.status === 'failed' && !isBlocking(result) ? ' (not blocking: not a must)' : '';
    this.out.write(
      `[${String(index + 1).padStart(width)}/${total}] ${statusWord[result.status].padEnd(5)} ${testName(result.row)} (${seconds}s): ${result.message}${note}\n`,
    );
  }

  onRunEnd(report: RunReport): void {
    this.out.write(renderSummary(report));
  }
}

export function renderSummary(report: RunReport): string {
  const header = ['section', 'passed', 'failed', 'error', 'skipped', 'not-implemented'];
  const rows = summariseBySection(report.results).map((s) => [
    s.title,
    String(s.counts.passed),
    String(s.counts.failed),
    String(s.counts.error),
    String(s.counts.skipped),
    String(s.counts['not-implemented']),
  ]);
  const c = report.counts;
  rows.push([
    'total',
    String(c.passed),
    String(c.failed),
    String(c.error),
    String(c.skipped),
    String(c['not-implemented']),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ') + '\n';
  const blocking = report.results.filter(isBlocking).map((r) => r.row.id);
  const nonBlocking = report.results
    .filter((r) => r.status === 'failed' && !isBlocking(r))
    .map((r) => `${r.row.id} (${r.row.level})`);
  return (
    '\n' +
    line(header) +
    rows.map(line).join('') +
    (report.interrupted ? `\nInterrupted: ${report.interrupted}\n` : '') +
    (nonBlocking.length
      ? `\nShould/may-level failures (shown, not failing the run): ${nonBlocking.join(', ')}\n`
      : '') +
    (blocking.length
      ? `\nMust-level failures: ${blocking.join(', ')}\n`
      : '\nNo must-level failures.\n') +
    `${c.passed} passed, ${c.failed + c.error} failed, ${c.skipped + c['not-implemented']} skipped\n` +
    `${findingsText(report.findings)}\n` +
    notObservedLines(report) +
    `${outcomeText(report)}\n`
  );
}

/** The MUST rows that kept the run from an answer, with why. */
function notObservedLines(report: RunReport): string {
  const rows = notObservedMustRows(report.results, report.info.profile);
  if (rows.length === 0) return '';
  return (
    `MUST rows not observed:\n` +
    rows.map((r) => `  ${r.row.id}: ${notObservedReason(r)}\n`).join('')
  );
}
