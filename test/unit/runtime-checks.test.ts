import { expect } from 'chai';
import { judgeOciProbe, parseRuntimeVersion } from '../../helpers/probes/oci-probe.js';

const expectations = {
  uid: 1234,
  gid: 2345,
  supplementalGroup: 3456,
  hostname: 'oci-probe',
  memoryLimitBytes: 67108864,
  pid1: ['sh', 'sleep'],
};
const good = [
  'uid=1234',
  'gid=2345',
  'groups=2345 3456',
  'capeff=0000000000000000',
  'nonewprivs=1',
  'seccomp=2',
  'pid1=sleep',
  'hostname=oci-probe',
  'rootfs=read-only',
  'version=1',
  'cpuset=0-1',
  'memory=67108864',
].join('\n');

describe('OCI runtime probe (ra2.crt.001)', () => {
  it('accepts a container that got every requested feature', () => {
    expect(judgeOciProbe(good, expectations).filter((f) => !f.ok)).to.deep.equal([]);
  });
  it('flags each feature the runtime did not apply', () => {
    const bad = good
      .replace('capeff=0000000000000000', 'capeff=00000000a80425fb')
      .replace('rootfs=read-only', 'rootfs=writable')
      .replace('pid1=sleep', 'pid1=systemd')
      .replace('memory=67108864', 'memory=max');
    const wrong = judgeOciProbe(bad, expectations)
      .filter((f) => !f.ok)
      .map((f) => f.feature);
    expect(wrong).to.have.length(4);
    expect(wrong.join()).to.match(/capabilities.*readonly.*pid.*memory/);
  });
  it('treats missing output as not applied', () => {
    expect(judgeOciProbe('', expectations).every((f) => !f.ok)).to.equal(true);
  });
});

describe('CRI runtime versions (ra2.crt.002)', () => {
  it('recognises CRI runtimes by scheme', () => {
    expect(parseRuntimeVersion('containerd://1.6.20')).to.deep.equal({
      scheme: 'containerd',
      version: '1.6.20',
      cri: true,
    });
    expect(parseRuntimeVersion('cri-o://1.30.0').cri).to.equal(true);
    expect(parseRuntimeVersion('rkt://1.0').cri).to.equal(false);
    expect(parseRuntimeVersion('').cri).to.equal(false);
  });
});

describe('kubernetes and runtime suites', () => {
  it('leave no row of 4.3 or 4.4 as spec.todo', async () => {
    const { bindSuites } = await import('../../helpers/framework/registry.js');
    const { allSuites } = await import('../../suites/index.js');
    const { catalog } = await import('./fixtures.js');
    const todo = bindSuites(catalog, allSuites)
      .filter((c) => c.row.section === 'kubernetes' || c.row.section === 'runtime')
      .filter((c) => c.notImplemented)
      .map((c) => c.row.id);
    expect(todo).to.deep.equal([]);
  });
});
