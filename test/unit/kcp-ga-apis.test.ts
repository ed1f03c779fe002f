/** ra2.k8s.013: the served GA group versions held against upstream's table per minor. */
import { expect } from 'chai';
import {
  compareWithUpstream,
  minorOf,
  requiredGaGroupVersions,
  upstreamGaByMinor,
} from '../../suites/rules/ga-apis.js';

describe('GA APIs per Kubernetes minor (ra2.k8s.013)', () => {
  const all135 = new Set(upstreamGaByMinor.get(35));
  it('passes a 1.35 server serving its table', () => {
    expect(compareWithUpstream(35, all135, requiredGaGroupVersions).missing).to.deep.equal([]);
  });
  it('fails naming what a 1.35 server does not serve', () => {
    const served = new Set(
      [...all135].filter((gv) => gv !== 'resource.k8s.io/v1' && gv !== 'batch/v1'),
    );
    expect(compareWithUpstream(35, served, requiredGaGroupVersions).missing).to.deep.equal([
      'batch/v1',
      'resource.k8s.io/v1',
    ]);
  });
  it('holds 1.37 to storagemigration.k8s.io/v1, and a newer minor to the newest table', () => {
    expect(compareWithUpstream(37, all135, requiredGaGroupVersions).missing).to.deep.equal([
      'storagemigration.k8s.io/v1',
    ]);
    const newer = compareWithUpstream(39, all135, requiredGaGroupVersions);
    expect(newer.tableMinor).to.equal(37);
    expect(newer.missing).to.deep.equal(['storagemigration.k8s.io/v1']);
  });
  it('holds an older minor to the GA versions every supported release serves', () => {
    const older = compareWithUpstream(33, new Set(['v1']), requiredGaGroupVersions);
    expect(older.tableMinor).to.equal(undefined);
    expect(older.missing).to.include('apps/v1');
  });
  it('reads the minor of distribution version strings', () => {
    expect(minorOf('v1.35.4')).to.equal(35);
    expect(minorOf('v1.36.2+k3s1')).to.equal(36);
    expect(minorOf('v1.37.0-eks-abc')).to.equal(37);
    expect(Number.isNaN(minorOf('devel'))).to.equal(true);
  });
});
