/** Shared wording for reporters: names, tags and status words come from the catalog row. */
import type { CatalogRow } from '../../catalog/types.js';
import type { CheckResult, CheckStatus, Reporter, RunReport } from '../framework/result.js';

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
