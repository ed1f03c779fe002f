/** Shared wording for reporters: names, tags and status words come from the catalog row. */
import type { CatalogRow, Profile } from '../../catalog/types.js';
import {
  findingOf,
  isBlocking,
  type CheckResult,
  type CheckStatus,
  type Finding,
  type FindingCounts,
  type Outcome,
  type Reporter,
  type RunInfo,
  type RunReport,
} from '../framework/result.js';

/** "[ra2.ch.001] Huge pages [MUST] [network-intensive]" */
export function testName(row: CatalogRow): string {
  const tags = [row.level.toUpperCase(), row.profile].filter(Boolean).map((t) => `[${t}]`);
  return `[${row.id}] ${row.title} ${tags.join(' ')}`;
}

export const statusWord: Record<CheckStatus, string> = {
  passed: 'PASS',
  failed: 'FAIL',
  skipped: 'SKIP',
  'not-implemented': 'TODO',
  error: 'ERROR',
};

export function evidenceText(result: CheckResult): string {
  return result.evidence === undefined ? '' : JSON.stringify(result.evidence, null, 2);
}

/** A reporter that writes one rendering of the whole report to a file when the run ends. */
export class FileReporter implements Reporter {
  constructor(
    readonly name: string,
    private readonly path: string,
    private readonly write: (path: string, text: string) => void,
    private readonly render: (report: RunReport, path: string) => string,
  ) {}
  onRunEnd(report: RunReport): void {
    this.write(this.path, this.render(report, this.path));
  }
}

export const findingWord: Record<Finding, string> = {
  verified: 'verified',
  attested: 'attested',
  failed: 'failed',
  'not-applicable': 'not applicable',
  'not-observed': 'not observed',
};

/** "12 verified, 3 attested, 1 failed, 20 not applicable, 11 not observed" */
export function findingsText(findings: FindingCounts): string {
  return (Object.keys(findingWord) as Finding[])
    .map((finding) => `${findings[finding]} ${findingWord[finding]}`)
    .join(', ');
}

export const outcomeMeaning: Record<Outcome, string> = {
  conformant: 'every applicable MUST row passed (verified, or attested where the row allows it)',
  'not-conformant': 'a MUST row failed',
  incomplete: 'no MUST row failed, but some MUST rows were not observed',
};

/** "Outcome: incomplete (exit 3): no MUST row failed, but some MUST rows were not observed" */
export function outcomeText(report: RunReport): string {
  return `Outcome: ${report.outcome} (exit ${report.exitCode}): ${outcomeMeaning[report.outcome]}`;
}

/** Why a not-observed row got no verdict: its message, and the interruption if any. */
export function notObservedReason(result: CheckResult): string {
  if (result.status === 'error') return `error: ${result.message}`;
  return result.message;
}

/** "attestations: att.yaml (sha256 ab12..., 4 entries)" */
export function attestationsText(info: RunInfo): string | undefined {
  const file = info.attestations;
  return file ? `${file.file} (sha256 ${file.sha256}, ${file.entries} entries)` : undefined;
}

/** Who attested a row: from the attestation, or the evidence of an attest row the planner passed. */
export function attestedByOf(result: CheckResult): string {
  const fromEvidence = result.evidence?.attestedBy;
  return result.attestation?.attestedBy ?? (typeof fromEvidence === 'string' ? fromEvidence : '?');
}

/**
 * The lines that open a result's description where readers see little else
 * (JUnit system-out, which Sonobuoy keeps): the level, the kind, what a skip
 * means and why, whether a failure fails the run, what an attested pass rests on.
 */
export function resultHeaderLines(result: CheckResult, profile?: Profile): string[] {
  const level = result.row.level.toUpperCase();
  const finding = findingOf(result, profile);
  const lines = [`level: ${level}`, `kind: ${result.kind}`];
  switch (result.status) {
    case 'skipped':
    case 'not-implemented':
      lines.push(`skipped, ${findingWord[finding]}: ${result.message}`);
      break;
    case 'error':
      lines.push(
        `not observed, an error of the run (no verdict on the cluster): ${result.message}`,
      );
      break;
    case 'failed':
      lines.push(
        isBlocking(result)
          ? `${level}-level failure: the cluster is not conformant`
          : `${level}-level failure: shown, does not fail the run`,
      );
      break;
    case 'passed':
      if (finding === 'attested')
        lines.push(`attested by ${attestedByOf(result)}, not verified by the suite`);
      break;
  }
  return lines;
}

/**
 * Reporters that see the run's info with `facts` added (the attestations
 * file the entry point read), at the start and in the final report.
 */
export function withRunFacts(reporters: readonly Reporter[], facts: Partial<RunInfo>): Reporter[] {
  const withFacts = (info: RunInfo): RunInfo => ({ ...info, ...facts });
  return reporters.map((reporter) => ({
    name: reporter.name,
    onRunStart: (info) => reporter.onRunStart?.(withFacts(info)),
    onCheckStart: (row, index, total) => reporter.onCheckStart?.(row, index, total),
    onCheckEnd: (result, index, total) => reporter.onCheckEnd?.(result, index, total),
    onRunEnd: (report) => reporter.onRunEnd?.({ ...report, info: withFacts(report.info) }),
  }));
}
