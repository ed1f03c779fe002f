import { expect } from 'chai';
import {
  bindSuites,
  CheckDeclarationError,
  defineSuite,
  uncoveredRows,
} from '../../helpers/framework/registry.js';
import { allSuites, suitesByIdPrefix } from '../../suites/index.js';
import { pass } from '../../helpers/framework/result.js';
import { catalog } from './fixtures.js';

describe('check registry', () => {
  const checks = bindSuites(catalog, allSuites);

  it('has exactly one check for every catalog row', () => {
    expect(uncoveredRows(catalog, checks).map((r) => r.id)).to.deep.equal([]);
    expect(checks.map((c) => c.row.id)).to.deep.equal(catalog.rows.map((r) => r.id));
  });

  it('declares the first slice of real checks with bodies', () => {
    const implemented = checks
      .filter((c) => c.body)
      .map((c) => c.row.id)
      .sort();
    expect(implemented).to.include.members(
      [
        'ra2.ch.006',
        'ra2.ch.010',
        'ra2.ch.012',
        'ra2.k8s.003',
        'ra2.k8s.004',
        'ra2.k8s.010',
        'ra2.k8s.012b',
        'ra2.k8s.013',
        'ra2.k8s.019',
        'ra2.stg.005',
      ].sort(),
    );
  });

  it('throws at load time for an unknown id', () => {
    const bad = defineSuite('node', (spec) =>
      spec('ra2.ch.999', { kind: 'inspect', observes: 'x' }, () => Promise.resolve(pass('x'))),
    );
    expect(() => bindSuites(catalog, [bad])).to.throw(
      CheckDeclarationError,
      /unknown id ra2\.ch\.999/,
    );
  });

  it('throws for a duplicate and for an id of another section', () => {
    const twice = defineSuite('node', (spec) => {
      spec('ra2.ch.002', { kind: 'attest' });
      spec('ra2.ch.002', { kind: 'attest' });
    });
    expect(() => bindSuites(catalog, [twice])).to.throw(CheckDeclarationError, /twice/);
    const misplaced = defineSuite('storage', (spec) => spec('ra2.ch.002', { kind: 'attest' }));
    expect(() => bindSuites(catalog, [misplaced])).to.throw(
      CheckDeclarationError,
      /belongs to section node/,
    );
  });

  it('refuses a probe without a body', () => {
    const empty = defineSuite('node', (spec) =>
      spec('ra2.ch.001', { kind: 'probe', observes: 'huge pages' }),
    );
    expect(() => bindSuites(catalog, [empty])).to.throw(CheckDeclarationError, /needs a body/);
  });

  it('refuses a probe or inspect check that does not say what it observes', () => {
    const silent = defineSuite('node', (spec) =>
      spec('ra2.ch.010', { kind: 'inspect' }, () => Promise.resolve(pass('x'))),
    );
    expect(() => bindSuites(catalog, [silent])).to.throw(CheckDeclarationError, /observes/);
    const attest = defineSuite('node', (spec) => spec('ra2.ch.002', { kind: 'attest' }));
    expect(() => bindSuites(catalog, [attest])).not.to.throw();
  });

  it('has an observes sentence on every probe and inspect row', () => {
    const silent = checks.filter((c) => c.options.kind !== 'attest' && !c.options.observes);
    expect(silent.map((c) => c.row.id)).to.deep.equal([]);
  });

  it('defaults to restricted pod security and non-disruptive', () => {
    const check = checks.find((c) => c.row.id === 'ra2.stg.005');
    expect(check?.options).to.deep.include({
      podSecurity: 'restricted',
      disruptive: false,
      kind: 'probe',
    });
  });

  it('maps every section id prefix to the suite of that section', () => {
    const table = Object.entries(suitesByIdPrefix).map(([prefix, suite]) => [
      prefix,
      suite.section,
    ]);
    expect(table).to.deep.equal(catalog.sections.map((s) => [s.idPrefix, s.key]));
  });
});
