/**
 * ra2.ntw.010: which networks count as user-plane (type and resourceName,
 * not type names alone), what inside a pod shows the device, and the verdict
 * (red: the network-intensive bed's macvlan/bridge/host-device NADs and its
 * sample device resource; green: an SR-IOV network whose VF shows up).
 * ra2.ntw.008: the network-intensive workers are the ones judged.
 */
import { expect } from 'chai';
import type { V1Node } from '@kubernetes/client-node';
import type { NetworkAttachmentDefinition } from '../../helpers/probes/network-attachment.js';
import { parseInspection, type UserPlaneObservation } from '../../helpers/probes/user-plane.js';
import { networkIntensiveWorkers } from '../../suites/rules/networking-sriov.js';
import { deviceSeen, judgeUserPlane, userPlaneNetworks } from '../../suites/rules/user-plane.js';

const nad = (
  name: string,
  type: string,
  annotations: Record<string, string> = {},
): NetworkAttachmentDefinition => ({
  namespace: 'default',
  name,
  config: JSON.stringify({ cniVersion: '0.3.1', name, type }),
  annotations,
});
const sriov = nad('sriov-a', 'sriov', { 'k8s.v1.cni.cncf.io/resourceName': 'intel.com/sriov_vf' });
/** What the network-intensive bed offers (testbed attachments.yaml). */
const niBed = [
  nad('ni-net1', 'macvlan'),
  nad('ni-bridge-example', 'bridge'),
  nad('ni-host-device-example', 'host-device'),
  nad('ni-ipvlan-example', 'ipvlan'),
];
const observed = (o: Partial<UserPlaneObservation>): UserPlaneObservation => ({
  network: 'default/sriov-a',
  resource: 'intel.com/sriov_vf',
  started: true,
  links: ['lo', 'eth0'],
  deviceEnv: [],
  vfio: [],
  ...o,
});

describe('ra2.ntw.010 user-plane networks', () => {
  it('counts sriov/userspace/vhostuser NADs with a resourceName, not host-device or ovs names', () => {
    const offered = userPlaneNetworks([
      ...niBed,
      nad('ovs', 'ovs'),
      sriov,
      nad('vhost', 'userspace'),
    ]);
    expect(offered.usable.map((u) => u.source)).to.deep.equal(['default/sriov-a']);
    expect(offered.usable[0]?.resource).to.equal('intel.com/sriov_vf');
    expect(offered.withoutResource).to.deep.equal(['default/vhost (userspace)']);
  });

  it('red: the network-intensive bed offers no user-plane network, so the row fails', () => {
    const v = judgeUserPlane(userPlaneNetworks(niBed), [], {});
    expect(v.status).to.equal('failed');
    expect(JSON.stringify(v)).to.contain('no user-plane network is offered');
  });

  it('red: an offered network whose pod shows no device fails, naming what it saw', () => {
    const offered = userPlaneNetworks([sriov]);
    const v = judgeUserPlane(offered, [observed({})], {});
    expect(v.status).to.equal('failed');
    expect(JSON.stringify(v)).to.contain('no net1, PCIDEVICE_* variable or /dev/vfio group');
    const notStarted = judgeUserPlane(
      offered,
      [observed({ started: false, notStarted: 'Insufficient intel.com/sriov_vf' })],
      {},
    );
    expect(JSON.stringify(notStarted)).to.contain('did not start: Insufficient intel.com/sriov_vf');
  });

  it('green: net1 (kernel VF) or a DPDK device inside the pod passes', () => {
    const offered = userPlaneNetworks([sriov]);
    expect(
      judgeUserPlane(offered, [observed({ links: ['lo', 'eth0', 'net1'] })], {}).status,
    ).to.equal('passed');
    const dpdk = observed({
      deviceEnv: ['PCIDEVICE_INTEL_COM_SRIOV_VF=0000:3b:02.1'],
      vfio: ['vfio', '61'],
    });
    expect(deviceSeen(dpdk)).to.equal('device PCIDEVICE_INTEL_COM_SRIOV_VF=0000:3b:02.1');
    expect(deviceSeen(observed({ vfio: ['vfio', '61'] }))).to.equal('VFIO group(s) /dev/vfio/61');
    expect(deviceSeen(observed({ vfio: ['vfio'] }))).to.equal(undefined);
  });

  it('reads links, device variables and /dev/vfio from one shell run', () => {
    const out = [
      '--links',
      '1: lo: <LOOPBACK,UP> mtu 65536',
      '3: eth0@if9: <BROADCAST,UP> mtu 1500',
      '4: net1: <BROADCAST,UP> mtu 1500',
      '--env',
      'PCIDEVICE_INTEL_COM_SRIOV_VF=0000:3b:02.1',
      '--vfio',
      '61',
      'vfio',
    ].join('\n');
    expect(parseInspection(out)).to.deep.equal({
      links: ['lo', 'eth0', 'net1'],
      deviceEnv: ['PCIDEVICE_INTEL_COM_SRIOV_VF=0000:3b:02.1'],
      vfio: ['61', 'vfio'],
    });
  });
});

describe('ra2.ntw.008 judged nodes', () => {
  const node = (name: string, labels: Record<string, string>): V1Node => ({
    metadata: { name, labels },
  });
  it('judges the network-intensive workers, not every worker', () => {
    const nodes = [
      node('cp', { 'node-role.kubernetes.io/control-plane': '' }),
      node('basic-w', { 'anuket.io/profile-basic': 'true' }),
      node('ni-w', { 'anuket.io/profile-network-intensive': 'true' }),
    ];
    const chosen = networkIntensiveWorkers(nodes);
    expect(chosen.nodes.map((n) => n.metadata?.name)).to.deep.equal(['ni-w']);
    expect(chosen.chosenBy).to.contain('labelled');
  });
  it('falls back to every worker when none is labelled, and says so', () => {
    const chosen = networkIntensiveWorkers([node('w1', {}), node('w2', {})]);
    expect(chosen.nodes).to.have.length(2);
    expect(chosen.chosenBy).to.contain('none is labelled');
  });
});
