/** Shared wording for reporters: names, tags and status words come from the catalog row. */
import type { CatalogRow } from '../../catalog/types.js';
import type { CheckResult, CheckStatus } from '../framework/result.js';

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
