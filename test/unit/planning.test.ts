import { expect } from 'chai';
import { needsCluster, planChecks } from '../../helpers/framework/runner.js';
import { bindSuites, defineSuite } from '../../helpers/framework/registry.js';
import { allSuites } from '../../suites/index.js';
import { pass } from '../../helpers/framework/result.js';
import { catalog } from './fixtures.js';

describe('planning a run', () => {
  const checks = bindSuites(catalog, allSuites);
  const plan = (focus: string[], profile: 'basic' | 'network-intensive', disruptive = false) =>
    planChecks(checks, { focus, skip: [], profile, disruptive });

  it('skips Network Intensive rows on a basic run and runs them on a network-intensive one', () => {
    const basic = plan(['ra2.k8s.006'], 'basic')[0];
    expect(basic?.decided?.status).to.equal('skipped');
    expect(basic?.decided?.status === 'skipped' && basic.decided.reason).to.match(
      /Network Intensive/,
    );
    const probe = defineSuite('node', (spec) =>
      spec('ra2.ch.001', { kind: 'probe', observes: 'x' }, () => Promise.resolve(pass('ok'))),
    );
    const only = bindSuites(catalog, [probe]);
    expect(
      planChecks(only, { focus: [], skip: [], profile: 'basic', disruptive: false })[0]?.decided
        ?.status,
    ).to.equal('skipped');
    expect(
      planChecks(only, { focus: [], skip: [], profile: 'network-intensive', disruptive: false })[0]
        ?.decided,
    ).to.equal(undefined);
  });

  it('skips disruptive checks unless --disruptive', () => {
    const disruptive = defineSuite('workloads', (spec) =>
      spec('ra2.app.008', { kind: 'probe', observes: 'x', disruptive: true }, () =>
        Promise.resolve(pass('ok')),
      ),
    );
    const only = bindSuites(catalog, [disruptive]);
    const skipped = planChecks(only, {
      focus: [],
      skip: [],
      profile: 'basic',
      disruptive: false,
    })[0]?.decided;
    expect(skipped).to.deep.equal({
      status: 'skipped',
      reason: 'disruptive; pass --disruptive',
      evidence: undefined,
    });
    expect(
      planChecks(only, { focus: [], skip: [], profile: 'basic', disruptive: true })[0]?.decided,
    ).to.equal(undefined);
  });

  it('needs the cluster only when some selected check will run', () => {
    expect(
      needsCluster(plan(['ra2.ch.002', 'ra2.ntw.008', 'ra2.ntw.010', 'ra2.app.008'], 'basic')),
    ).to.equal(false);
    expect(needsCluster(plan(['ra2.k8s.013'], 'basic'))).to.equal(true);
  });
});
