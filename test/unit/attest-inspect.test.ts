/** An attestation on a row the suite observes: it stands in only where the check could not see. */
import { expect } from 'chai';
import type { Attestation } from '../../helpers/framework/attestations.js';
import type { CheckContext } from '../../helpers/framework/context.js';
import { bindSuites, defineSuite } from '../../helpers/framework/registry.js';
import { endWith, fail, skip, type Verdict } from '../../helpers/framework/result.js';
import { catalog } from './fixtures.js';

const evidence: Attestation = {
  statement: 'etcd has 3 members on the control plane',
  evidence: 'provider console export',
  attestedBy: 'Jane',
};
const notApplicable: Attestation = {
  statement: 'not applicable: no workload needs preserved addresses',
  evidence: 'no workload needs preserved addresses',
  attestedBy: 'Jane',
  notApplicable: 'no workload needs preserved addresses',
};

function checkOf(id: string, attestable: 'evidence' | 'not-applicable', verdict: () => Verdict) {
  const section = id.startsWith('ra2.k8s') ? 'kubernetes' : 'networking';
  const suite = defineSuite(section, (spec) =>
    spec(id, { kind: 'inspect', observes: 'x', attestable }, () => Promise.resolve(verdict())),
  );
  const [check] = bindSuites(catalog, [suite]);
  return (attestation?: Attestation) =>
    check!.body!({ attestation, log: () => {} } as unknown as CheckContext);
}

describe('attestations on observed rows', () => {
  it('turn a not-observed skip into an attested pass where the row takes evidence', async () => {
    const body = checkOf('ra2.k8s.002', 'evidence', () => skip('etcd not visible'));
    const verdict = await body(evidence);
    expect(verdict).to.deep.include({ status: 'passed', attestation: evidence });
    expect(verdict.status === 'passed' && verdict.summary).to.match(
      /^attested by Jane: .*could not observe it: etcd not visible/,
    );
    expect((await body()).status).to.equal('skipped');
  });

  it('also when the check ends early with a skip', async () => {
    const body = checkOf('ra2.k8s.002', 'evidence', () => endWith(skip('etcd not visible')));
    expect((await body(evidence)).status).to.equal('passed');
  });

  it('never overrule what the check observed', async () => {
    const body = checkOf('ra2.k8s.002', 'evidence', () => fail('3, 5 or 7 members', '2'));
    expect((await body(evidence)).status).to.equal('failed');
  });

  it('make a conditional row not applicable, with the reason, without running the check', async () => {
    let ran = false;
    const body = checkOf('ra2.ntw.011', 'not-applicable', () => {
      ran = true;
      return fail('no NAT', 'NAT');
    });
    const verdict = await body(notApplicable);
    expect(ran).to.equal(false);
    expect(verdict).to.deep.include({ status: 'skipped', applicability: 'not-applicable' });
    expect(verdict.status === 'skipped' && verdict.reason).to.equal(
      'not applicable, attested by Jane: no workload needs preserved addresses',
    );
    // evidence on a row that takes only "not applicable" does not stand in for the check
    expect((await body(evidence)).status).to.equal('failed');
  });
});
