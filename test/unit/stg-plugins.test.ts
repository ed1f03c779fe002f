import { expect } from 'chai';
import type { V1CSIDriver, V1CSINode, V1PersistentVolume } from '@kubernetes/client-node';
import { judgeCsiSupport, judgeVolumePlugins } from '../../suites/rules/storage-plugins.js';
import { storageClass } from './fixtures.js';

const driver = (name: string): V1CSIDriver => ({ metadata: { name }, spec: {} });
const csiNode = (name: string, ...drivers: string[]): V1CSINode => ({
  metadata: { name },
  spec: { drivers: drivers.map((d) => ({ name: d, nodeID: name })) },
});
const pv = (
  name: string,
  source: Partial<NonNullable<V1PersistentVolume['spec']>>,
  phase = 'Bound',
): V1PersistentVolume => ({ metadata: { name }, spec: { ...source }, status: { phase } });

/** kind's default: a node-local provisioner, hostPath volumes, no CSI driver. */
const localPath = storageClass('standard', 'rancher.io/local-path', true);
const hostPathPv = pv('pvc-1', { hostPath: { path: '/var/local-path/pvc-1' } });

describe('ra2.stg.003 volume plugins (suites/rules/storage-plugins.ts)', () => {
  it('fails a Failed volume of a storage-protocol plugin, naming it and its source (red)', () => {
    const verdict = judgeVolumePlugins(
      [localPath],
      [],
      [hostPathPv, pv('nfs-share', { nfs: { server: '10.0.0.5', path: '/exports' } }, 'Failed')],
    );
    expect(verdict).to.deep.include({
      status: 'failed',
      expected: 'volumes of the volume plugins in use to be usable',
      observed: 'Failed volumes: nfs-share (nfs)',
    });
  });

  it('passes plugins whose volumes are usable: a CSI driver and its volumes (green)', () => {
    const verdict = judgeVolumePlugins(
      [storageClass('gp3', 'ebs.csi.aws.com', true)],
      [driver('ebs.csi.aws.com')],
      [pv('pvc-2', { csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'vol-1' } })],
    );
    expect(verdict).to.deep.include({
      status: 'passed',
      summary: 'volume plugins in use: csi:ebs.csi.aws.com, ebs.csi.aws.com',
    });
  });

  it('does not apply (skipped, not passed) with node-local volumes only', () => {
    const verdict = judgeVolumePlugins(
      [localPath, storageClass('local', 'kubernetes.io/no-provisioner')],
      [],
      [hostPathPv, pv('local-1', { local: { path: '/mnt/disk' } })],
    );
    expect(verdict).to.deep.include({ status: 'skipped', applicability: 'not-applicable' });
  });
});

describe('ra2.stg.006 CSI (suites/rules/storage-plugins.ts)', () => {
  it('fails a CSI driver that is declared but registered on no node (red)', () => {
    const verdict = judgeCsiSupport(
      [driver('ebs.csi.aws.com')],
      [csiNode('w1'), csiNode('w2')],
      [storageClass('gp3', 'ebs.csi.aws.com', true)],
    );
    expect(verdict).to.deep.include({
      status: 'failed',
      expected: 'the CSI drivers to be registered on the nodes (CSINode)',
      observed: 'CSIDriver objects ebs.csi.aws.com are on no node',
    });
    expect(verdict.evidence).to.deep.include({
      driversPerCsiNode: { w1: [], w2: [] },
      defaultStorageClasses: ['gp3: ebs.csi.aws.com (CSI)'],
    });
  });

  it('passes a CSI driver the nodes register (green)', () => {
    const verdict = judgeCsiSupport(
      [driver('ebs.csi.aws.com')],
      [csiNode('w1', 'ebs.csi.aws.com'), csiNode('w2', 'ebs.csi.aws.com')],
      [storageClass('gp3', 'ebs.csi.aws.com', true)],
    );
    expect(verdict).to.deep.include({
      status: 'passed',
      summary: 'CSI is supported through ebs.csi.aws.com (registered on 2 node(s))',
    });
  });

  it('does not apply (skipped, not passed) where no CSI driver is registered anywhere', () => {
    const verdict = judgeCsiSupport([], [csiNode('w1'), csiNode('w2')], [localPath]);
    expect(verdict).to.deep.include({ status: 'skipped', applicability: 'not-applicable' });
    expect(verdict.evidence).to.deep.include({
      defaultStorageClasses: ['standard: rancher.io/local-path (not CSI)'],
    });
  });
});
