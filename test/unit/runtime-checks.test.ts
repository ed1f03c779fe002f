import type { V1Node } from '@kubernetes/client-node';
import { expect } from 'chai';
import { ociProbeScript, parseOciReport } from '../../helpers/probes/oci-probe.js';
import { judgeRuntimeFeatures, parseRuntimeVersion } from '../../suites/rules/oci.js';

const expectations = {
  pod: 'oci-probe',
  uid: 1234,
  gid: 2345,
  supplementalGroup: 3456,
  hostname: 'oci-probe',
  memory: '64Mi',
  memoryLimitBytes: 67108864,
  cpu: '50m',
  pid1: ['sh', 'sleep'],
};
const good = [
  'user.uid=1234',
  'user.gid=2345',
  'user.groups=2345 3456',
  'process.capeff=0000000000000000',
  'process.nonewprivs=1',
  'process.seccomp=2',
  'process.pid1=sleep',
  'hostname=oci-probe',
  'root.write=denied',
  'version=1',
  'cpuset=0-1',
  'memory=67108864',
].join('\n');

const judge = (output: string) => judgeRuntimeFeatures(parseOciReport(output), expectations);

describe('OCI runtime probe (ra2.crt.001)', () => {
  it('accepts a container that got every requested feature', () => {
    expect(judge(good).filter((f) => !f.ok)).to.deep.equal([]);
  });
  it('flags each feature the runtime did not apply', () => {
    const bad = good
      .replace('process.capeff=0000000000000000', 'process.capeff=00000000a80425fb')
      .replace('root.write=denied', 'root.write=allowed')
      .replace('process.pid1=sleep', 'process.pid1=systemd')
      .replace('memory=67108864', 'memory=max');
    const wrong = judge(bad)
      .filter((f) => !f.ok)
      .map((f) => f.parameter);
    expect(wrong).to.have.length(4);
    expect(wrong.join()).to.match(/capabilities.*readonly.*pid.*memory/);
  });
  it('shows what it saw the way the evidence always has', () => {
    const observed = Object.fromEntries(
      judge(
        good
          .replace('root.write=denied', 'root.write=allowed')
          .replace('memory=67108864', 'memory=max'),
      ).map((f) => [f.parameter, f.observed]),
    );
    expect(observed['root.readonly (readOnlyRootFilesystem)']).to.equal('writable');
    expect(observed['linux.resources.memory.limit']).to.equal('unlimited');
    expect(observed['process.capabilities (drop ALL)']).to.equal('CapEff 0000000000000000');
  });
  it('treats missing output as not applied', () => {
    const judged = judge('');
    expect(judged.every((f) => !f.ok)).to.equal(true);
    expect(judged.find((f) => f.parameter.startsWith('process.user.uid'))?.observed).to.equal(
      '(not reported)',
    );
  });
});

describe('the one OCI probe script (ra2.crt.001, ra2.app.001-005)', () => {
  it('reports every field the judges read, under the keys the parser reads', () => {
    for (const key of [
      'user.uid',
      'user.gid',
      'user.groups',
      'process.cwd',
      'process.env',
      'process.cmdline',
      'process.pid1',
      'process.capeff',
      'process.nonewprivs',
      'process.seccomp',
      'hostname',
      'root.image',
      'root.mount',
      'root.write',
      'mounts.$p',
      'mounts.$p.write',
      'memory',
    ])
      expect(ociProbeScript, key).to.contain(`${key}=`);
    expect(ociProbeScript).to.contain('for p in /scratch /config;');
  });
  it('parses the mounts it reported on, by mount point', () => {
    const report = parseOciReport(
      'mounts./scratch=rw\nmounts./scratch.write=allowed\nmounts./config=ro\nmounts./config.write=denied\n',
    );
    expect(report.mounts).to.deep.equal({
      '/scratch': { mount: 'rw', write: 'allowed' },
      '/config': { mount: 'ro', write: 'denied' },
    });
    expect(report.memoryLimitBytes).to.equal(undefined);
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

  it('fails a sampled node whose probe pod was never bound to it', async () => {
    const { judgeCriRuntimes } = await import('../../suites/rules/cri.js');
    const node = {
      metadata: { name: 'worker-1' },
      status: { nodeInfo: { containerRuntimeVersion: 'containerd://2.4.2' } },
    } as V1Node;
    // Pinned by nodeSelector and never scheduled: the pod has no node of its own.
    const pending = { pod: 'cri-0', phase: 'Pending', finished: false, log: '' };
    const verdict = judgeCriRuntimes({
      nodes: [node],
      runnable: () => true,
      sampleNote: 'sampled 1 of 1 node(s)',
      runs: [{ node: 'worker-1', completion: pending }],
      endpoints: new Map(),
    });
    expect(verdict.status).to.equal('failed');
    expect(verdict.status === 'failed' && verdict.observed).to.equal(
      'worker-1: probe pod cri-0 still Pending',
    );
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
