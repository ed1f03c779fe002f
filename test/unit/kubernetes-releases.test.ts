import { expect } from 'chai';
import {
  kubeletSkew,
  supportedMinors,
  supportStatus,
} from '../../suites/rules/kubernetes-releases.js';

// Both ends of the support window the test beds run (testbed/versions.env): v1.35 on most beds,
// v1.37 on ha. The suite runs long after a table is written, so each end is judged on fixed dates.
const on = (day: string) => new Date(`${day}T12:00:00Z`);

describe('kubernetes-releases: both ends of the support window', () => {
  it('judges the ha bed’s v1.37.2 supported while 1.37 is in support, unsupported after', () => {
    const today = supportStatus('v1.37.2', on('2026-12-02'));
    expect(today).to.include({ status: 'supported', minor: '1.37', endOfLife: '2027-10-28' });
    expect(supportStatus('v1.37.2', on('2027-10-28')).status).to.equal('supported');
    const after = supportStatus('v1.37.2', on('2027-10-29'));
    expect(after.status).to.equal('unsupported');
    expect(after)
      .to.have.property('reason')
      .that.contains('1.37 reached end of life on 2027-10-28');
  });

  it('judges the other beds’ v1.35.4 supported on the same day, and 1.34 out of support by then', () => {
    expect(supportStatus('v1.35.4', on('2026-12-02')).status).to.equal('supported');
    expect(supportStatus('v1.34.4', on('2026-12-02')).status).to.equal('unsupported');
  });

  it('reports a minor newer than the table as unknown, naming the file to refresh', () => {
    const newer = supportStatus('v1.38.0', on('2026-12-02'));
    expect(newer.status).to.equal('unknown');
    expect(newer).to.have.property('reason').that.contains('suites/rules/kubernetes-releases.ts');
  });

  it('keeps the table ordered by minor, one entry each, with end-of-life dates that increase', () => {
    const minors = supportedMinors.map((e) => Number(e.minor.split('.')[1]));
    expect(minors).to.deep.equal([...minors].sort((a, b) => a - b));
    expect(new Set(minors).size).to.equal(minors.length);
    const eols = supportedMinors.map((e) => Date.parse(e.endOfLife));
    expect(eols.every((t, i) => i === 0 || t > eols[i - 1]!)).to.equal(true);
  });

  it('allows kubelets of v1.35 under a v1.37 API server, never a v1.37 kubelet under v1.35', () => {
    expect(kubeletSkew('v1.37.2', 'v1.35.4')).to.deep.equal({ ok: true, minorsBehind: 2 });
    expect(kubeletSkew('v1.37.2', 'v1.34.0').ok).to.equal(true);
    expect(kubeletSkew('v1.37.2', 'v1.33.9').ok).to.equal(false);
    expect(kubeletSkew('v1.35.4', 'v1.37.2').ok).to.equal(false);
  });
});
