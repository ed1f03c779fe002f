/**
 * The verdict every catalog row must get on each test bed, pinned in
 * expectations/<bed>.yaml, and the one comparison of a run's results with
 * it. Pure: reading the file is the only I/O, and the comparison names every
 * difference in one message, so a bed's e2e test fails once with all of them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

export type ExpectedStatus = 'passed' | 'failed' | 'skipped';
/** The two kinds of skip the results JSON tells apart (its `applicability`). */
export type SkipKind = 'not-applicable' | 'not-observed';

export interface Expectation {
  status: ExpectedStatus;
  /** Required with `skipped`: which kind of skip. */
  skip?: SkipKind;
  /** Why this is the right verdict on this bed. */
  reason: string;
}

export interface BedExpectations {
  bed: string;
  rows: Record<string, Expectation>;
}

/** What the comparison needs of a row of the results JSON. */
export interface ObservedRow {
  id: string;
  status: string;
  applicability?: string;
  interruption?: { cause: string; detail: string };
  message: string;
}

/** dist/test/e2e/support/ -> the repository's expectations/ directory. */
export const expectationsDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  'expectations',
);

export function expectationsFile(bed: string): string {
  return path.join(expectationsDir, `${bed}.yaml`);
}

const statuses: readonly string[] = ['passed', 'failed', 'skipped'];
const skipKinds: readonly string[] = ['not-applicable', 'not-observed'];

/** Parses and checks an expectation file; throws naming every malformed row. */
export function parseExpectations(text: string, source: string): BedExpectations {
  const doc = parse(text) as { bed?: unknown; rows?: Record<string, unknown> } | null;
  if (!doc || typeof doc.bed !== 'string' || typeof doc.rows !== 'object' || !doc.rows)
    throw new Error(`${source}: needs a 'bed' name and a 'rows' map keyed by catalog id`);
  const problems: string[] = [];
  const rows: Record<string, Expectation> = {};
  for (const [id, raw] of Object.entries(doc.rows)) {
    const row = (raw ?? {}) as Partial<Record<keyof Expectation, unknown>>;
    if (typeof row.status !== 'string' || !statuses.includes(row.status))
      problems.push(`${id}: status must be one of ${statuses.join(', ')}`);
    else if (row.status === 'skipped' && !skipKinds.includes(String(row.skip)))
      problems.push(`${id}: a skipped row needs skip: ${skipKinds.join(' or ')}`);
    else if (row.status !== 'skipped' && row.skip !== undefined)
      problems.push(`${id}: skip is only for skipped rows`);
    if (typeof row.reason !== 'string' || row.reason.trim() === '')
      problems.push(`${id}: needs a reason`);
    rows[id] = row as Expectation;
  }
  if (problems.length > 0) throw new Error(`${source}:\n  ${problems.join('\n  ')}`);
  return { bed: doc.bed, rows };
}

export function loadExpectations(bed: string): BedExpectations {
  const file = expectationsFile(bed);
  return parseExpectations(readFileSync(file, 'utf8'), file);
}

/** "skipped (not-applicable)" or "passed". */
export function statusLabel(status: string, skip?: string): string {
  return status === 'skipped' && skip ? `skipped (${skip})` : status;
}

function observedLabel(row: ObservedRow): string {
  return statusLabel(row.status, row.applicability ?? 'not-observed');
}

// Long enough for a failed row's first observations (CI's log shows its tail only).
function shorten(text: string, max = 600): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Every difference between the pinned verdicts and a run's rows, one line
 * each, in catalog order where known. A row in `error`, interrupted or
 * without a check is always a difference: none of them is a verdict.
 * `catalogIds`, when given, must be exactly the file's ids.
 */
export function differences(
  expected: BedExpectations,
  results: readonly ObservedRow[],
  catalogIds?: readonly string[],
): string[] {
  const found: string[] = [];
  const byId = new Map(results.map((r) => [r.id, r]));
  if (catalogIds) {
    for (const id of catalogIds)
      if (!expected.rows[id]) found.push(`${id}: in the catalog but not in the expectation file`);
    for (const id of Object.keys(expected.rows))
      if (!catalogIds.includes(id))
        found.push(`${id}: in the expectation file but not a catalog id`);
  }
  for (const [id, want] of Object.entries(expected.rows)) {
    const got = byId.get(id);
    const wanted = statusLabel(want.status, want.skip);
    if (!got) {
      found.push(`${id}: expected ${wanted}, but the results have no such row`);
      continue;
    }
    const why = `: ${shorten(got.message)} (expected ${wanted}: ${shorten(want.reason, 100)})`;
    if (got.status === 'error') found.push(`${id}: error, never expected${why}`);
    else if (got.interruption)
      found.push(`${id}: interrupted (${got.interruption.cause}), never expected${why}`);
    else if (got.status === 'not-implemented') found.push(`${id}: not implemented${why}`);
    else if (observedLabel(got) !== wanted) found.push(`${id}: got ${observedLabel(got)}${why}`);
  }
  for (const row of results) {
    if (expected.rows[row.id]) continue;
    const error = row.status === 'error' ? ' (an error, never expected)' : '';
    found.push(`${row.id}: got ${observedLabel(row)}${error}, but no expectation pins it`);
  }
  return found;
}

/** One readable message for all differences, or undefined when there are none. */
export function differenceReport(
  expected: BedExpectations,
  results: readonly ObservedRow[],
  catalogIds?: readonly string[],
): string | undefined {
  const found = differences(expected, results, catalogIds);
  if (found.length === 0) return undefined;
  return (
    `${found.length} row(s) differ from expectations/${expected.bed}.yaml ` +
    `(if the new verdict is right, rewrite the file with scripts/expectations.sh and say why):\n  ` +
    found.join('\n  ')
  );
}

/** Throws the difference report when a run's rows differ from the bed's pinned verdicts. */
export function assertPinnedVerdicts(
  bed: string,
  results: readonly ObservedRow[],
  catalogIds: readonly string[],
): void {
  const report = differenceReport(loadExpectations(bed), results, catalogIds);
  if (report) throw new Error(report);
}
