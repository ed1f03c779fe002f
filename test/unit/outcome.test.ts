import { expect } from 'chai';
import {
  countFindings,
  countResults,
  EXIT_CONFORMANT,
  EXIT_INCOMPLETE,
  EXIT_NOT_CONFORMANT,
  exitCodeFor,
  findingOf,
  isBlocking,
  notApplicable,
  notObservedMustRows,
  outcomeOf,
  resultFieldsOf,
  skip,
  summariseBySection,
} from '../../helpers/framework/result.js';
import { renderJson } from '../../helpers/reporters/json.js';
import { renderHtml, renderMarkdown } from '../../helpers/reporters/report.js';
import { report, result } from './fixtures.js';

describe('the outcome of a run and its exit code', () => {
  it('is conformant (exit 0) when every applicable MUST row passed', () => {
    const results = [
      result('ra2.k8s.013', 'passed'),
      result('ra2.ch.001', 'skipped', { message: 'another profile' }), // network-intensive row
      result('ra2.k8s.014', 'skipped', resultFieldsOf(notApplicable('condition does not hold'))),
    ];
    expect(outcomeOf(results, 'basic')).to.equal('conformant');
    expect(exitCodeFor(results, 'basic')).to.equal(EXIT_CONFORMANT);
  });

  it('is not-conformant (exit 1) when a MUST row failed, whatever else', () => {
    const results = [result('ra2.k8s.013', 'failed'), result('ra2.k8s.014', 'error')];
    expect(outcomeOf(results)).to.equal('not-conformant');
    expect(exitCodeFor(results)).to.equal(EXIT_NOT_CONFORMANT);
  });

  it('is incomplete (exit 3) when no MUST row failed but some were not observed', () => {
    for (const unobserved of [
      result('ra2.k8s.014', 'skipped', resultFieldsOf(skip('no evidence'))),
      result('ra2.k8s.014', 'error'),
      result('ra2.k8s.014', 'not-implemented'),
      result('ra2.k8s.014', 'skipped', {
        ...resultFieldsOf(notApplicable('looks inapplicable')),
        interruption: { cause: 'deadline', detail: 'deadline reached (1h)' },
      }),
    ]) {
      const results = [result('ra2.k8s.013', 'passed'), unobserved];
      expect(outcomeOf(results), unobserved.status).to.equal('incomplete');
      expect(exitCodeFor(results)).to.equal(EXIT_INCOMPLETE);
      expect(notObservedMustRows(results).map((r) => r.row.id)).to.deep.equal(['ra2.k8s.014']);
    }
  });

  it('never fails on should- and may-level failures', () => {
    const shouldFailure = result('ra2.k8s.017', 'failed'); // "should support NodePort"
    const mayFailure = result('ra2.ntw.005', 'failed');
    expect(shouldFailure.row.level).to.equal('should');
    expect(isBlocking(shouldFailure)).to.equal(false);
    expect(outcomeOf([shouldFailure, mayFailure])).to.equal('conformant');
  });

  it('reports attest rows passed on an attestation as attested, never verified', () => {
    const attested = result('ra2.ch.004', 'passed', { kind: 'attest' });
    expect(findingOf(attested)).to.equal('attested');
    expect(findingOf(result('ra2.k8s.013', 'passed'))).to.equal('verified');
    const inspectAttested = result('ra2.k8s.002', 'passed', {
      attestation: { attestedBy: 'Jane', statement: 'etcd has 3 members', evidence: 'x' },
    });
    expect(findingOf(inspectAttested)).to.equal('attested');
  });

  it('counts per status, per finding and per section', () => {
    const results = [
      result('ra2.k8s.013', 'passed'),
      result('ra2.k8s.014', 'not-implemented'),
      result('ra2.k8s.017', 'failed'),
      result('ra2.ch.004', 'passed', { kind: 'attest' }),
      result('ra2.ch.001', 'skipped'),
    ];
    expect(countResults(results)).to.deep.equal({
      passed: 2,
      failed: 1,
      skipped: 1,
      'not-implemented': 1,
      error: 0,
    });
    expect(countFindings(results, 'basic')).to.deep.equal({
      verified: 1,
      attested: 1,
      failed: 1,
      'not-applicable': 1,
      'not-observed': 1,
    });
    const [kubernetes] = summariseBySection(results);
    expect(kubernetes?.section).to.equal('kubernetes');
    expect(kubernetes?.counts['not-implemented']).to.equal(1);
  });

  it('is in the JSON, and the report lists the MUST rows not observed with their reason', () => {
    const run = report([
      result('ra2.k8s.013', 'passed'),
      result('ra2.ch.004', 'skipped', { kind: 'attest', message: 'not observable; attest it' }),
    ]);
    const json = JSON.parse(renderJson(run)) as {
      outcome: string;
      exitCode: number;
      notObservedMustRows: { id: string; reason: string }[];
      results: { finding: string; applicability?: string }[];
    };
    expect(json).to.deep.include({ outcome: 'incomplete', exitCode: 3 });
    expect(json.notObservedMustRows).to.deep.equal([
      { id: 'ra2.ch.004', reason: 'not observable; attest it' },
    ]);
    expect(json.results.map((r) => [r.finding, r.applicability])).to.deep.equal([
      ['verified', undefined],
      ['not-observed', 'not-observed'],
    ]);
    const markdown = renderMarkdown(run);
    expect(markdown).to.contain('Outcome: incomplete (exit 3)');
    expect(markdown).to.match(
      /## MUST rows not observed\n\n- \\\[ra2\.ch\.004\\\][^\n]*: not observable; attest it/,
    );
    expect(renderHtml(run))
      .to.contain('MUST rows not observed')
      .and.to.contain('Outcome: incomplete');
  });
});
