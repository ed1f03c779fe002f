import { expect } from 'chai';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { versionsOfGroup } from '../../helpers/k8s/api-resources.js';
import { matchingPods } from '../../helpers/k8s/components.js';
import {
  extendedResources,
  isExtendedResource,
  sriovResourceNamesFromConfig,
  sriovResources,
} from '../../helpers/k8s/extended-resources.js';
import { hugePageSizes, parseHugePageReport } from '../../helpers/probes/hugepages.js';
import { parseIpAddr, parseNetworkStatus } from '../../helpers/probes/network-attachment.js';
import { parseOciReport } from '../../helpers/probes/oci-probe.js';
import { hostOfRemoteAddr, inCidr, spreadWorkers } from '../../helpers/probes/pod-network.js';
import { volumeSourceOf } from '../../helpers/probes/pvc.js';
import { parseMachineReport } from '../../helpers/probes/virtualisation.js';
import { hugePageUsed, nodesLacking } from '../../suites/rules/hugepages.js';
import {
  cniPluginTypes,
  unrequestedAttachments,
} from '../../suites/rules/networking-attachments.js';
import { judgeVirtualisation } from '../../suites/rules/node-virtualisation.js';
import { judgeGroup } from '../../suites/rules/oci.js';
import { workloadPods } from '../../suites/workloads.js';

const node = (
  name: string,
  labels: Record<string, string>,
  allocatable: Record<string, string> = {},
): V1Node => ({
  metadata: { name, labels },
  status: { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: 'True' }] },
});

describe('suite helpers', () => {
  it('orders group versions GA first', () => {
    const served = [
      { group: 'k8s.cni.cncf.io', version: 'v1beta1', groupVersion: 'k8s.cni.cncf.io/v1beta1' },
      { group: 'k8s.cni.cncf.io', version: 'v1', groupVersion: 'k8s.cni.cncf.io/v1' },
      { group: 'apps', version: 'v1', groupVersion: 'apps/v1' },
    ];
    expect(versionsOfGroup(served, 'k8s.cni.cncf.io')).to.deep.equal([
      'k8s.cni.cncf.io/v1',
      'k8s.cni.cncf.io/v1beta1',
    ]);
    expect(versionsOfGroup(served, 'nfd.k8s-sigs.io')).to.deep.equal([]);
  });

  it('finds extended and SR-IOV resources', () => {
    expect(isExtendedResource('cpu')).to.equal(false);
    expect(isExtendedResource('hugepages-2Mi')).to.equal(false);
    expect(isExtendedResource('intel.com/sriov_netdevice')).to.equal(true);
    expect(isExtendedResource('kubernetes.io/batch')).to.equal(false);
    const nodes = [
      node('w1', {}, { cpu: '4', 'intel.com/intel_sriov_netdevice': '8', 'example.com/fpga': '2' }),
      node('w2', {}, { cpu: '4' }),
    ];
    const ext = extendedResources(nodes);
    expect(ext.map((r) => r.resource)).to.deep.equal([
      'example.com/fpga',
      'intel.com/intel_sriov_netdevice',
    ]);
    const configured = sriovResourceNamesFromConfig(
      JSON.stringify({
        resourceList: [
          { resourceName: 'vf_pool' },
          { resourcePrefix: 'acme.io', resourceName: 'x' },
        ],
      }),
    );
    expect(configured).to.deep.equal(['intel.com/vf_pool', 'acme.io/x']);
    expect(sriovResources(ext, configured).map((r) => r.resource)).to.deep.equal([
      'intel.com/intel_sriov_netdevice',
    ]);
    expect(sriovResourceNamesFromConfig('not json')).to.deep.equal([]);
  });

  it('parses network-status, ip addr output and CNI configs', () => {
    const status = parseNetworkStatus(
      JSON.stringify([
        { name: 'kube-router', interface: 'eth0', ips: ['10.244.1.5', 'fd00::5'], default: true },
        { name: 'ns/extra-1', interface: 'net1', ips: ['198.18.1.2'], mac: 'aa:bb' },
      ]),
    );
    expect(status[1]).to.deep.equal({
      name: 'ns/extra-1',
      interface: 'net1',
      ips: ['198.18.1.2'],
      mac: 'aa:bb',
      default: false,
    });
    expect(parseNetworkStatus('{')).to.deep.equal([]);
    expect(parseNetworkStatus(undefined)).to.deep.equal([]);
    const inside = parseIpAddr(
      [
        '1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever',
        '2: eth0    inet 10.244.1.5/24 brd 10.244.1.255 scope global eth0',
        '2: eth0    inet6 fd00::5/64 scope global',
        '3: net1@if2    inet 198.18.1.2/24 brd 198.18.1.255 scope global net1',
      ].join('\n'),
    );
    expect(inside).to.deep.equal({ eth0: ['10.244.1.5', 'fd00::5'], net1: ['198.18.1.2'] });
    expect(cniPluginTypes('{"cniVersion":"0.3.1","type":"macvlan"}').types).to.deep.equal([
      'macvlan',
    ]);
    expect(
      cniPluginTypes('{"cniVersion":"0.4.0","plugins":[{"type":"sriov"},{"type":"tuning"}]}').types,
    ).to.deep.equal(['sriov', 'tuning']);
    expect(cniPluginTypes('{"type":"macvlan"}').error).to.equal('config has no cniVersion');
    expect(cniPluginTypes('').error).to.match(/no config/);
  });

  it('flags attachments nobody requested', () => {
    const pod = (
      name: string,
      annotations: Record<string, string>,
      limits: Record<string, string> = {},
    ): V1Pod => ({
      metadata: { name, namespace: 'ns', annotations },
      spec: { containers: [{ name: 'c', resources: { limits } }] },
    });
    const extra = JSON.stringify([
      { name: 'default', default: true },
      { name: 'ns/a', interface: 'net1' },
    ]);
    const pods = [
      pod('annotated', {
        'k8s.v1.cni.cncf.io/network-status': extra,
        'k8s.v1.cni.cncf.io/networks': 'a',
      }),
      pod('device', { 'k8s.v1.cni.cncf.io/network-status': extra }, { 'intel.com/sriov': '1' }),
      pod('sneaky', { 'k8s.v1.cni.cncf.io/network-status': extra }),
      pod('plain', {}),
    ];
    expect(unrequestedAttachments(pods, isExtendedResource)).to.deep.equal([
      { pod: 'ns/sneaky', attachments: ['ns/a (net1)'] },
    ]);
  });

  it('reads addresses, CIDRs and spreads workers over zones', () => {
    expect(hostOfRemoteAddr('10.244.1.5:41234')).to.equal('10.244.1.5');
    expect(hostOfRemoteAddr('[fd00:10:244::5]:41234\n')).to.equal('fd00:10:244::5');
    expect(inCidr('10.244.1.5', '10.244.1.0/24')).to.equal(true);
    expect(inCidr('10.244.2.5', '10.244.1.0/24')).to.equal(false);
    expect(inCidr('fd00:10:244:1::5', 'fd00:10:244:1::/64')).to.equal(true);
    expect(inCidr('10.244.1.5', 'fd00:10:244:1::/64')).to.equal(false);
    const zone = (name: string, z: string) => node(name, { 'topology.kubernetes.io/zone': z });
    const cp = node('cp', { 'node-role.kubernetes.io/control-plane': '' });
    const spread = spreadWorkers([cp, zone('a1', 'a'), zone('a2', 'a'), zone('b1', 'b')]);
    expect(spread.map((n) => n.metadata?.name)).to.deep.equal(['a1', 'b1', 'a2']);
  });

  it('judges huge page use', () => {
    const report = [
      'mount.2MB=hugetlbfs',
      'allocated.2MB=2097152',
      'usage.2MB=2097152',
      'limit.2MB=2097152',
      'mount.1GB=hugetlbfs',
      'allocated.1GB=0',
      'error.1GB=fallocate: No space left on device',
      'usage.1GB=0',
      'limit.1GB=max',
    ].join('\n');
    const uses = parseHugePageReport(report, hugePageSizes);
    expect(hugePageUsed(uses[0]!, hugePageSizes[0]!)).to.equal(true);
    expect(hugePageUsed(uses[1]!, hugePageSizes[1]!)).to.equal(false);
    expect(uses[1]!.error).to.match(/No space/);
    expect(
      nodesLacking([node('w1', {}, { 'hugepages-2Mi': '1Gi', 'hugepages-1Gi': '0' })]),
    ).to.deep.equal(['w1']);
    expect(
      nodesLacking([node('w1', {}, { 'hugepages-2Mi': '1Gi', 'hugepages-1Gi': '2Gi' })]),
    ).to.deep.equal([]);
  });

  it('recognises virtual machines', () => {
    const judge = (output: string) => judgeVirtualisation(parseMachineReport(output));
    expect(parseMachineReport('hypervisorflag=1\nvendor=\nproduct=\ncpus=4\n')).to.deep.equal({
      hypervisorFlag: true,
      vendor: '',
      product: '',
    });
    expect(judge('hypervisorflag=1\nvendor=\nproduct=\n')).to.deep.equal({
      virtualMachine: true,
      evidence: 'hypervisor CPU flag; no DMI data',
    });
    expect(judge('hypervisorflag=0\nvendor=QEMU\nproduct=Standard PC\n')).to.deep.equal({
      virtualMachine: true,
      evidence: 'no hypervisor CPU flag; DMI QEMU / Standard PC',
    });
    expect(
      judge('hypervisorflag=0\nvendor=Dell Inc.\nproduct=PowerEdge R650\n').virtualMachine,
    ).to.equal(false);
  });

  it('judges OCI parameter groups', () => {
    const f = parseOciReport(
      'root.image=present\nroot.mount=ro\nroot.write=denied\nhostname=ra2-oci-probe\nuser.uid=65534\nuser.gid=65534\nuser.groups=65534 4242\nprocess.cwd=/',
    );
    expect(judgeGroup('root', f, 't').every((j) => j.ok)).to.equal(true);
    expect(judgeGroup('user', f, 't').every((j) => j.ok)).to.equal(true);
    expect(judgeGroup('hostname', f, 't').every((j) => j.ok)).to.equal(true);
    const process = judgeGroup('process', f, 't');
    expect(process.find((j) => j.parameter === 'process.cwd')?.ok).to.equal(false);
  });

  it('classifies volumes, components and workload pods', () => {
    expect(
      volumeSourceOf({ spec: { csi: { driver: 'ebs.csi.aws.com', volumeHandle: 'v' } } }),
    ).to.equal('csi:ebs.csi.aws.com');
    expect(
      volumeSourceOf({ spec: { hostPath: { path: '/x' }, storageClassName: 'standard' } }),
    ).to.equal('hostPath');
    const pods: V1Pod[] = [
      {
        metadata: {
          name: 'kube-multus-ds-x',
          namespace: 'kube-system',
          ownerReferences: [
            { apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'kube-multus-ds', uid: '1' },
          ],
        },
        spec: { containers: [{ name: 'c', image: 'ghcr.io/k8snetworkplumbingwg/multus-cni:v4' }] },
      },
      {
        metadata: { name: 'app', namespace: 'default' },
        spec: { containers: [{ name: 'c', image: 'nginx' }] },
      },
      {
        metadata: {
          name: 'etcd-cp',
          namespace: 'default',
          annotations: { 'kubernetes.io/config.mirror': 'x' },
        },
        spec: { containers: [] },
      },
      {
        metadata: { name: 'helper-pod-delete-pvc-1', namespace: 'local-path-storage' },
        spec: { priorityClassName: 'system-node-critical', containers: [] },
      },
      {
        metadata: {
          name: 'probe',
          namespace: 'ra2-x',
          labels: { 'app.kubernetes.io/managed-by': 'ra2-conformance' },
        },
        spec: { containers: [] },
      },
    ];
    expect(matchingPods(pods, /multus/i).map((p) => p.pod)).to.deep.equal(['kube-multus-ds-x']);
    const { workloads, skipped } = workloadPods(pods);
    expect(workloads.map((p) => p.metadata?.name)).to.deep.equal(['app']);
    expect(skipped).to.equal(4);
  });
});
