/**
 * The pinned verdicts of the test beds (expectations/*.yaml) and the one
 * comparison the bed e2e tests make with them: every difference is named in
 * one message, a deliberately wrong expectation among them, and an `error`
 * row is always a difference.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { expect } from 'chai';
import { renderJson } from '../../helpers/reporters/json.js';
import {
  differenceReport,
  differences,
  expectationsDir,
  expectationsFile,
  loadExpectations,
  parseExpectations,
  type BedExpectations,
  type ObservedRow,
} from '../e2e/support/expectations.js';
import { rewriteStatuses, reasonToWrite } from '../e2e/support/expectations-write.js';
import { catalog, report, result } from './fixtures.js';

const ids = catalog.rows.map((r) => r.id);
const beds = ['basic', 'network-intensive', 'ha', 'alpha-api'];

/** Three rows as the results JSON writes them, through the real JSON reporter. */
function observedRows(): ObservedRow[] {
  const rendered = renderJson(
    report([
      result('ra2.k8s.012b', 'passed'),
      result('ra2.ch.010', 'failed'),
      result('ra2.ch.017', 'skipped', { applicability: 'not-applicable' }),
    ]),
  );
  return (JSON.parse(rendered) as { results: ObservedRow[] }).results;
}

const pinned: BedExpectations = {
  bed: 'unit',
  rows: {
    'ra2.k8s.012b': { status: 'passed', reason: 'no alpha API' },
    'ra2.ch.010': { status: 'failed', reason: 'kind nodes have small disks' },
    'ra2.ch.017': { status: 'skipped', skip: 'not-applicable', reason: 'no attestation' },
  },
};

describe('expectations: the comparison of a run with the pinned verdicts', () => {
  it('finds no difference when every row has its pinned status and skip kind', () => {
    expect(differences(pinned, observedRows())).to.deep.equal([]);
    expect(differenceReport(pinned, observedRows())).to.equal(undefined);
  });

  it('reports a deliberately wrong expectation, naming the row, both verdicts and the reason', () => {
    const wrong: BedExpectations = {
      ...pinned,
      rows: { ...pinned.rows, 'ra2.ch.010': { status: 'passed', reason: 'big disks (wrong)' } },
    };
    const message = differenceReport(wrong, observedRows()) ?? '';
    expect(message).to.match(/^1 row\(s\) differ from expectations\/unit\.yaml/);
    expect(message).to.contain(
      'ra2.ch.010: got failed: failed message (expected passed: big disks',
    );
  });

  it('tells the kinds of skip apart', () => {
    const wrong: BedExpectations = {
      ...pinned,
      rows: {
        ...pinned.rows,
        'ra2.ch.017': { status: 'skipped', skip: 'not-observed', reason: 'needs evidence' },
      },
    };
    expect(differences(wrong, observedRows())).to.deep.equal([
      'ra2.ch.017: got skipped (not-applicable): skipped message (expected skipped (not-observed): needs evidence)',
    ]);
  });

  it('names a row missing from the results, a row no expectation pins, and catalog mismatches, all in one message', () => {
    const rows = observedRows().filter((r) => r.id !== 'ra2.ch.010');
    rows.push({ id: 'ra2.ntw.001', status: 'passed', message: 'extra' });
    const found = differences(pinned, rows, ['ra2.k8s.012b', 'ra2.ch.010', 'ra2.ntw.001']);
    expect(found).to.have.members([
      'ra2.ntw.001: in the catalog but not in the expectation file',
      'ra2.ch.017: in the expectation file but not a catalog id',
      'ra2.ch.010: expected failed, but the results have no such row',
      'ra2.ntw.001: got passed, but no expectation pins it',
    ]);
    expect(differenceReport(pinned, rows, ['ra2.k8s.012b', 'ra2.ch.010', 'ra2.ntw.001'])).to.match(
      /^4 row\(s\) differ[\s\S]*ra2\.ntw\.001[\s\S]*ra2\.ch\.017[\s\S]*ra2\.ch\.010/,
    );
  });

  it('always reports a row in error, interrupted or without a check, whatever was pinned', () => {
    const rows = observedRows().map((r) =>
      r.id === 'ra2.ch.010' ? { ...r, status: 'error', message: 'HTTP-Code: 403' } : r,
    );
    rows.push({ id: 'ra2.ntw.001', status: 'error', message: 'boom' });
    const interrupted = rows.find((r) => r.id === 'ra2.ch.017');
    if (interrupted) interrupted.interruption = { cause: 'signal', detail: 'SIGTERM received' };
    expect(differences(pinned, rows)).to.have.members([
      'ra2.ch.010: error, never expected: HTTP-Code: 403 (expected failed: kind nodes have small disks)',
      'ra2.ch.017: interrupted (signal), never expected: skipped message (expected skipped (not-applicable): no attestation)',
      'ra2.ntw.001: got error (an error, never expected), but no expectation pins it',
    ]);
  });
});

describe('expectations: the file format', () => {
  it('refuses a file with an unknown status, a skip without its kind, a skip kind on a pass, or no reason', () => {
    const text = [
      'bed: x',
      'rows:',
      '  a: { status: pass, reason: r }',
      '  b: { status: skipped, reason: r }',
      '  c: { status: passed, skip: not-observed, reason: r }',
      '  d: { status: failed }',
    ].join('\n');
    expect(() => parseExpectations(text, 'x.yaml')).to.throw(
      /a: status must be one of[\s\S]*b: a skipped row needs skip[\s\S]*c: skip is only for skipped rows[\s\S]*d: needs a reason/,
    );
  });

  it('rewrites statuses from a results JSON, keeping comments and reasons and listing the changes', () => {
    const text = [
      '# pinned',
      'bed: unit',
      'rows:',
      '  ra2.k8s.012b:',
      '    status: failed',
      '    reason: kept reason # kept comment',
      '',
    ].join('\n');
    const { text: out, changes } = rewriteStatuses(text, 'unit', observedRows());
    const parsed = parseExpectations(out, 'out');
    expect(out).to.contain('# pinned').and.contain('# kept comment');
    expect(parsed.rows['ra2.k8s.012b']).to.deep.equal({ status: 'passed', reason: 'kept reason' });
    expect(parsed.rows['ra2.ch.017']?.skip).to.equal('not-applicable');
    expect(parsed.rows['ra2.ch.010']?.reason).to.contain(reasonToWrite);
    expect(changes).to.have.length(3);
    expect(changes[0]).to.match(/^ra2\.k8s\.012b: failed -> passed/);
  });
});

describe('expectations: the checked-in files', () => {
  it('has one file per test bed in kind-configs, and no other', () => {
    const files = readdirSync(expectationsDir).filter((f) => f.endsWith('.yaml'));
    expect(files.map((f) => f.replace(/\.yaml$/, ''))).to.have.members(beds);
  });

  for (const bed of beds) {
    it(`${bed}: pins all ${ids.length} catalog ids, each with a status and a reason`, () => {
      const pinnedBed = loadExpectations(bed);
      expect(pinnedBed.bed).to.equal(bed);
      expect(Object.keys(pinnedBed.rows)).to.have.members(ids);
      expect(readFileSync(expectationsFile(bed), 'utf8')).not.to.contain(reasonToWrite);
    });
  }
});
