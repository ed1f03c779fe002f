/**
 * Rewrites the statuses of an expectation file from a results JSON, keeping
 * its comments and every reason: a changed verdict must get its reason
 * reviewed by a person, so the changed and new rows are listed, and a new
 * row's reason says it still needs one. Run through scripts/expectations.sh.
 */
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { isMap, isScalar, parseDocument } from 'yaml';
import { statusLabel, type ObservedRow } from './expectations.js';

export const reasonToWrite = 'TO WRITE: why this is right on this bed; measured:';

/** The file's new text and one line per row whose status changed or was added. */
export function rewriteStatuses(
  text: string,
  bed: string,
  results: readonly ObservedRow[],
): { text: string; changes: string[] } {
  const doc = parseDocument(text || `bed: ${bed}\nrows: {}\n`);
  if (!doc.has('bed')) doc.set('bed', bed);
  if (!isMap(doc.get('rows'))) doc.set('rows', doc.createNode({}));
  const changes: string[] = [];
  for (const row of results) {
    if (row.status !== 'passed' && row.status !== 'failed' && row.status !== 'skipped') {
      changes.push(`${row.id}: left as it was, the run gave ${row.status} (not a verdict)`);
      continue;
    }
    const skip = row.status === 'skipped' ? (row.applicability ?? 'not-observed') : undefined;
    const before = doc.getIn(['rows', row.id]);
    const was = isMap(before)
      ? statusLabel(String(before.get('status')), before.get('skip') as string | undefined)
      : undefined;
    const now = statusLabel(row.status, skip);
    if (!isMap(before)) {
      const reason = `${reasonToWrite} ${row.message}`;
      doc.setIn(['rows', row.id], doc.createNode({ status: row.status, skip, reason }));
    }
    const entry = doc.getIn(['rows', row.id]);
    if (isMap(entry)) {
      // In place, so the reason and its comments stay; skip sits right after status.
      entry.set('status', row.status);
      if (!skip) entry.delete('skip');
      else if (entry.has('skip')) entry.set('skip', skip);
      else {
        const at = entry.items.findIndex(
          (pair) => isScalar(pair.key) && pair.key.value === 'status',
        );
        entry.items.splice(at + 1, 0, doc.createPair('skip', skip));
      }
    }
    if (was !== now) changes.push(`${row.id}: ${was ?? '(new)'} -> ${now}: ${row.message}`);
  }
  return { text: doc.toString({ lineWidth: 0 }), changes };
}

function main(argv: readonly string[]): number {
  const [file, resultsFile] = argv;
  if (!file || !resultsFile) {
    console.error('usage: expectations-write <expectations/bed.yaml> <results.json>');
    return 2;
  }
  const bed = file.replace(/^.*\//, '').replace(/\.yaml$/, '');
  const report = JSON.parse(readFileSync(resultsFile, 'utf8')) as { results: ObservedRow[] };
  const old = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const { text, changes } = rewriteStatuses(old, bed, report.results);
  writeFileSync(file, text);
  console.log(`${file}: ${changes.length} row(s) changed${changes.length ? ':' : ''}`);
  for (const line of changes) console.log(`  ${line}`);
  return 0;
}

if (process.argv[1]?.endsWith('expectations-write.js'))
  process.exitCode = main(process.argv.slice(2));
