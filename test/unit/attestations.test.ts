import { expect } from 'chai';
import { parseAttestations } from '../../helpers/framework/attestations.js';
import { UsageError } from '../../helpers/k8s/errors.js';
import { planChecks } from '../../helpers/framework/runner.js';
import { bindSuites } from '../../helpers/framework/registry.js';
import { allSuites } from '../../suites/index.js';
import { catalog } from './fixtures.js';

describe('attestations', () => {
  it('reads YAML with entries at the top level or under attestations:', () => {
    const yaml =
      'ra2.ch.004:\n  statement: SMT is on\n  evidence: [bios export]\n  attestedBy: Jane\n';
    expect(parseAttestations(yaml).get('ra2.ch.004')).to.deep.equal({
      statement: 'SMT is on',
      evidence: ['bios export'],
      attestedBy: 'Jane',
    });
    const nested = JSON.stringify({
      attestations: { 'ra2.ch.008': { statement: 's', evidence: 'e', attestedBy: 'a' } },
    });
    expect(parseAttestations(nested).has('ra2.ch.008')).to.equal(true);
  });

  it('refuses entries missing a field, and non-mappings', () => {
    expect(() => parseAttestations('ra2.ch.004:\n  statement: x\n')).to.throw(
      UsageError,
      /ra2\.ch\.004 lacks evidence, attestedBy/,
    );
    expect(() => parseAttestations('- a\n- b\n')).to.throw(UsageError, /mapping/);
    expect(() => parseAttestations('a: [')).to.throw(UsageError, /not valid YAML/);
  });

  it('passes an attested row with the evidence and skips an unattested one with the reason', () => {
    const checks = bindSuites(catalog, allSuites);
    const attestations = parseAttestations(
      'ra2.ch.016:\n  statement: SMT is on\n  evidence: bios\n  attestedBy: Jane\n',
    );
    const plans = planChecks(checks, {
      focus: ['ra2.ch.016', 'ra2.ch.017'],
      skip: [],
      profile: 'basic',
      disruptive: false,
      attestations,
    });
    expect(plans[0]?.decided).to.deep.include({ status: 'passed' });
    expect(plans[0]?.decided?.evidence).to.deep.include({ attestedBy: 'Jane', evidence: 'bios' });
    expect(plans[1]?.decided).to.deep.include({ status: 'skipped' });
    expect(plans[1]?.decided?.status === 'skipped' && plans[1].decided.reason).to.match(
      /not observable from inside a cluster/,
    );
  });
});
