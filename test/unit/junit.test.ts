import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { renderJUnit } from '../../helpers/reporters/junit.js';
import { report, result } from './fixtures.js';

interface Case {
  name: string;
  classname: string;
  failure?: { message: string; '#text'?: string };
  skipped?: { message: string } | string;
  'system-out'?: string;
  properties: { property: { name: string; value: string }[] };
}

function parse(xml: string): Case[] {
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testcase', 'property', 'testsuite'].includes(name),
  }).parse(xml) as {
    testsuites: { testsuite: { testcase: Case[] }[] };
  };
  return doc.testsuites.testsuite[0]?.testcase ?? [];
}

describe('JUnit reporter', () => {
  const xml = renderJUnit(
    report([
      result('ra2.ch.010', 'failed', {
        sectionTitle: '4.2 Kubernetes Node',
        expected: 'every node to have ephemeral-storage capacity of at least 298.0 GiB (320.0 GB)',
        observed: 'kind-worker: 58.4 GiB (62.7 GB)',
        message: 'expected more; observed less',
        evidence: { nodes: [{ node: 'kind-worker', capacity: '61255492Ki' }] },
        log: ['line one', 'line two'],
      }),
      result('ra2.ch.001', 'skipped', {
        sectionTitle: '4.2 Kubernetes Node',
        message: 'applies to the Network Intensive profile; this run checks the basic profile',
      }),
      result('ra2.ntw.003', 'not-implemented', {
        sectionTitle: '4.5 Networking solutions',
        message: 'not implemented yet',
      }),
      result('ra2.k8s.013', 'passed'),
    ]),
  );
  const cases = parse(xml);

  it('has one testcase per result, named with id, title and tags, classed by section', () => {
    expect(cases.map((c) => c.name)).to.deep.equal([
      '[ra2.ch.010] Local Filesystem Storage Quantity [MUST]',
      '[ra2.ch.001] Huge pages [MUST] [network-intensive]',
      '[ra2.ntw.003] Multiple connection points [MUST]',
      '[ra2.k8s.013] Kubernetes APIs [MUST]',
    ]);
    expect(cases[0]?.classname).to.equal('4.2 Kubernetes Node');
  });

  it('puts expectation and evidence into the failure, and the log into system-out', () => {
    expect(cases[0]?.failure?.message).to.equal('expected more; observed less');
    expect(cases[0]?.failure?.['#text'])
      .to.contain('observed: kind-worker: 58.4 GiB')
      .and.to.contain('61255492Ki');
    expect(cases[0]?.['system-out']).to.equal(
      'level: MUST\nkind: inspect\nMUST-level failure: the cluster is not conformant\nline one\nline two',
    );
  });

  it('gives skips their reason, and not-implemented rows "not implemented yet"', () => {
    expect(cases[1]?.skipped).to.deep.equal({
      message: 'applies to the Network Intensive profile; this run checks the basic profile',
    });
    expect(cases[2]?.skipped).to.deep.equal({ message: 'not implemented yet' });
    expect(cases[3]?.skipped).to.equal(undefined);
  });

  it('carries level, condition, traces, release and kind as properties', () => {
    const props = Object.fromEntries(
      (cases[0]?.properties.property ?? []).map((p) => [p.name, p.value]),
    );
    expect(props).to.include({
      id: 'ra2.ch.010',
      level: 'must',
      condition: 'none',
      requirementTrace: 'e.cap.003',
      referenceImplementationTrace: '3.3',
      kind: 'inspect',
      status: 'failed',
      blocking: 'true',
      finding: 'failed',
    });
    expect(props.release).to.be.a('string').and.not.equal('');
  });

  it('opens system-out with level, kind, and for skips whether the row applies and why', () => {
    expect(cases[1]?.['system-out']).to.equal(
      'level: MUST\nkind: inspect\nskipped, not applicable: applies to the Network Intensive profile; this run checks the basic profile',
    );
    expect(cases[2]?.['system-out']).to.match(
      /^level: MUST\nkind: inspect\nskipped, not observed: /,
    );
  });

  it("carries the run's outcome and findings on the suite", () => {
    const doc = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '',
      isArray: (name) => ['property', 'testsuite'].includes(name),
    }).parse(xml) as {
      testsuites: { testsuite: { properties: { property: { name: string; value: string }[] } }[] };
    };
    const props = Object.fromEntries(
      (doc.testsuites.testsuite[0]?.properties.property ?? []).map((p) => [p.name, p.value]),
    );
    expect(props).to.include({
      outcome: 'not-conformant',
      findings: '1 verified, 0 attested, 1 failed, 1 not applicable, 1 not observed',
    });
  });
});

describe('JUnit: SHOULD and MAY failures', () => {
  const shouldFailure = result('ra2.k8s.017', 'failed', {
    expected: 'NodePort',
    observed: 'none',
    message: 'expected NodePort; observed none',
  });
  const props = (c: Case | undefined) =>
    Object.fromEntries((c?.properties.property ?? []).map((p) => [p.name, p.value]));

  it('are failures with blocking=false that say they do not fail the run', () => {
    const [c] = parse(renderJUnit(report([shouldFailure])));
    expect(c?.failure?.message).to.equal('expected NodePort; observed none');
    expect(props(c)).to.include({ blocking: 'false', level: 'should' });
    expect(c?.['system-out']).to.equal(
      'level: SHOULD\nkind: inspect\nSHOULD-level failure: shown, does not fail the run',
    );
  });

  it('are skips that say they failed for Sonobuoy, which fails a plugin on any <failure>', () => {
    const [c] = parse(renderJUnit(report([shouldFailure]), { nonBlockingFailures: 'skipped' }));
    expect(c?.failure).to.equal(undefined);
    expect(c?.skipped).to.deep.equal({
      message: 'SHOULD-level failure, does not fail the run: expected NodePort; observed none',
    });
    expect(props(c)).to.include({ status: 'failed', blocking: 'false' });
    expect(c?.['system-out']).to.contain('observed: none');
  });
});
