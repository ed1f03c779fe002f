import { expect } from 'chai';
import type { V1Pod } from '@kubernetes/client-node';
import { devicesReachedBy, workloadPods } from '../../suites/workloads.js';

function pod(spec: V1Pod['spec'], namespace = 'apps'): V1Pod {
  return { metadata: { name: 'p', namespace }, spec };
}

describe('workload rules (ra2.app.007, ra2.app.009)', () => {
  it('a privileged container reaches every host device, init containers included', () => {
    const privileged = pod({
      initContainers: [{ name: 'setup', securityContext: { privileged: true } }],
      containers: [{ name: 'app' }],
    });
    expect(devicesReachedBy(privileged)).to.deep.equal([
      'every host device (container setup is privileged)',
    ]);
  });

  it('hostPath volumes under /dev (vfio among them) or the PCI bus reach devices; others do not', () => {
    const mounts = pod({
      containers: [{ name: 'app' }],
      volumes: [
        { name: 'vfio', hostPath: { path: '/dev/vfio' } },
        { name: 'pci', hostPath: { path: '/sys/bus/pci/devices' } },
        { name: 'logs', hostPath: { path: '/var/log' } },
        { name: 'devices', hostPath: { path: '/devices-not-dev' } },
      ],
    });
    expect(devicesReachedBy(mounts)).to.deep.equal(['/dev/vfio', '/sys/bus/pci/devices']);
    expect(devicesReachedBy(pod({ containers: [{ name: 'app' }] }))).to.deep.equal([]);
  });

  it('leaves kube-* namespaces and DaemonSet pods out of the workloads, so an empty cluster has none', () => {
    const daemon: V1Pod = {
      metadata: {
        name: 'agent',
        namespace: 'monitoring',
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'a', uid: '1' }],
      },
    };
    const split = workloadPods([pod({ containers: [] }, 'kube-system'), daemon]);
    expect(split.workloads).to.have.length(0);
    expect(split.skipped).to.equal(2);
  });
});
