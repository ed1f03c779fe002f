import { expect } from 'chai';
import type { V1Node } from '@kubernetes/client-node';
import { isVirtualNode, probeableNodes } from '../../helpers/k8s/nodes.js';
import type { Verdict } from '../../helpers/framework/result.js';

const node = (name: string, extra: Partial<V1Node> = {}): V1Node => ({
  metadata: { name, ...(extra.metadata ?? {}) },
  spec: extra.spec ?? {},
});

describe('virtual nodes', () => {
  const real = node('worker-1', { metadata: { name: 'worker-1', labels: { type: 'worker' } } });
  const kwok = node('sim-node-0001', {
    metadata: { name: 'sim-node-0001', annotations: { 'kwok.x-k8s.io/node': 'fake' } },
  });
  const vkLabel = node('vk-1', { metadata: { name: 'vk-1', labels: { type: 'virtual-kubelet' } } });
  const vkTaint = node('vk-2', {
    spec: {
      taints: [{ key: 'virtual-kubelet.io/provider', value: 'azure', effect: 'NoSchedule' }],
    },
  });

  it('tells KWOK and virtual-kubelet nodes from nodes a kubelet backs', () => {
    expect([real, kwok, vkLabel, vkTaint].map(isVirtualNode)).to.deep.equal([
      false,
      true,
      true,
      true,
    ]);
  });

  it('places probes on the real nodes only', () => {
    expect(probeableNodes([kwok, real, vkTaint]).map((n) => n.metadata?.name)).to.deep.equal([
      'worker-1',
    ]);
  });
});

describe('node sampling leaves virtual nodes out', () => {
  it('samples only nodes a kubelet backs, and says how many it left out', async () => {
    const { sampleNodes } = await import('../../helpers/probes/node-sample.js');
    const simulated = Array.from({ length: 1000 }, (_, i) => ({
      metadata: {
        name: `sim-node-${i}`,
        annotations: { 'kwok.x-k8s.io/node': 'fake' },
        labels: { 'topology.kubernetes.io/zone': `zone-${i % 3}` },
      },
    }));
    const real = { metadata: { name: 'worker-1' } };
    const sample = sampleNodes([...simulated, real], { allNodes: true, profileOf: () => 'basic' });
    expect(sample.nodes.map((n) => n.metadata?.name)).to.deep.equal(['worker-1']);
    expect(sample.note).to.contain('1000 virtual node(s)');
  });
});

/**
 * The node-level rows on a cluster like the scale bed: three kubelet-backed nodes that meet
 * every requirement, and simulated nodes that report KWOK's values (kubelet and runtime
 * "kwok", allocatable equal to capacity, a zone of their own, a NoSchedule taint).
 */
describe('node-level rows judge kubelet-backed nodes and count the virtual ones', () => {
  const zone = 'topology.kubernetes.io/zone';
  /** A Ready node of 2 CPUs and 8Gi reporting these versions and allocatable resources. */
  const readyStatus = (
    kubeletVersion: string,
    containerRuntimeVersion: string,
    allocatable: Record<string, string>,
  ): V1Node['status'] => ({
    conditions: [{ type: 'Ready', status: 'True' }],
    nodeInfo: { kubeletVersion, containerRuntimeVersion } as NonNullable<
      V1Node['status']
    >['nodeInfo'],
    capacity: { cpu: '2', memory: '8Gi' },
    allocatable,
  });
  const kubeletNode = (name: string, zoneName: string, controlPlane = false): V1Node => ({
    metadata: {
      name,
      labels: {
        [zone]: zoneName,
        ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
      },
    },
    spec: controlPlane
      ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }
      : {},
    status: readyStatus('v1.35.4', 'containerd://2.4.2', { cpu: '1900m', memory: '7Gi' }),
  });
  const kwokNode = (i: number): V1Node => ({
    metadata: {
      name: `sim-node-${i}`,
      annotations: { 'kwok.x-k8s.io/node': 'fake' },
      labels: { [zone]: 'zone-c' },
    },
    spec: { taints: [{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }] },
    status: readyStatus('kwok', 'kwok', { cpu: '2', memory: '8Gi' }),
  });
  const real = [
    kubeletNode('ra2-control-plane', 'zone-a', true),
    kubeletNode('ra2-worker', 'zone-a'),
    kubeletNode('ra2-worker2', 'zone-b'),
  ];
  const simulated = Array.from({ length: 1000 }, (_, i) => kwokNode(i));

  /** Each row's judge, fed what the check would have observed on these nodes. */
  async function judges(): Promise<{ id: string; judge: (nodes: V1Node[]) => Verdict }[]> {
    const { judgeWorkerHa } = await import('../../suites/rules/control-plane.js');
    const { judgeKubernetesVersion } = await import('../../suites/rules/kubernetes-version.js');
    const { judgeReservations } = await import('../../suites/kubernetes.js');
    const { judgeCriRuntimes } = await import('../../suites/rules/cri.js');
    const { parseConfigz } = await import('../../helpers/k8s/kubelet-config.js');
    const { sampleNodes } = await import('../../helpers/probes/node-sample.js');
    const reserved = parseConfigz({ kubeletconfig: { kubeReserved: { cpu: '100m' } } });
    const named = (nodes: V1Node[]) => probeableNodes(nodes).map((n) => n.metadata?.name ?? '');
    return [
      { id: 'ra2.k8s.004', judge: (nodes) => judgeWorkerHa(nodes) },
      {
        id: 'ra2.k8s.005',
        judge: (nodes) => judgeKubernetesVersion('v1.35.4', nodes, new Date('2026-12-04')),
      },
      {
        id: 'ra2.k8s.008',
        judge: (nodes) =>
          judgeReservations(
            nodes,
            named(nodes).map((node) => ({ node, config: reserved })),
          ),
      },
      {
        id: 'ra2.crt.002',
        judge: (nodes) =>
          judgeCriRuntimes({
            nodes,
            runnable: () => true,
            sampleNote: sampleNodes(nodes, { allNodes: false }).note,
            runs: named(nodes).map((node) => ({
              node,
              completion: {
                pod: `cri-${node}`,
                node,
                phase: 'Succeeded',
                finished: true,
                log: 'ran',
              },
            })),
            endpoints: new Map(),
          }),
      },
    ];
  }

  it('pass beside 1,000 simulated nodes, and say how many they left out', async () => {
    for (const { id, judge } of await judges()) {
      const verdict = judge([...real, ...simulated]);
      expect(verdict.status, `${id}: ${JSON.stringify(verdict).slice(0, 300)}`).to.equal('passed');
      expect(verdict.status === 'passed' && verdict.summary, id).to.contain(
        '1000 virtual node(s) (KWOK/virtual-kubelet) left out',
      );
      expect(verdict.evidence?.virtualLeftOut, id).to.deep.include({ count: 1000 });
      expect((verdict.evidence?.virtualLeftOut as { names: string[] }).names, id).to.have.length(
        10,
      );
    }
  });

  it('still fail a kubelet-backed node that breaks the row, virtual nodes or not', async () => {
    const broken: Record<string, (node: V1Node) => string> = {
      // The only worker of zone-b cordoned: zone-b has no schedulable worker.
      'ra2.k8s.004': (node) => ((node.spec = { unschedulable: true }), 'in zone(s) zone-b'),
      'ra2.k8s.005': (node) => ((node.status!.nodeInfo!.kubeletVersion = 'v1.30.0'), 'ra2-worker2'),
      'ra2.k8s.008': (node) => ((node.status!.allocatable = node.status!.capacity), 'ra2-worker2'),
      'ra2.crt.002': (node) => (
        (node.status!.nodeInfo!.containerRuntimeVersion = 'rkt://1.0'),
        'ra2-worker2'
      ),
    };
    for (const { id, judge } of await judges()) {
      const [controlPlane, worker, worker2] = structuredClone(real);
      const named = broken[id]!(worker2!);
      const verdict = judge([controlPlane!, worker!, worker2!, ...simulated]);
      expect(verdict.status, id).to.equal('failed');
      expect(verdict.status === 'failed' && verdict.observed, id).to.contain(named);
    }
  });

  it('judge nothing, and say so, when every node is virtual', async () => {
    for (const { id, judge } of await judges()) {
      const verdict = judge(simulated);
      expect(verdict.status, id).to.equal('skipped');
      expect(verdict.status === 'skipped' && verdict.reason, id).to.contain(
        'all 1000 nodes are virtual',
      );
    }
  });

  it('ra2.k8s.003 asks a control-plane node only of zones that kubelet-backed nodes name', async () => {
    const { judgeControlPlaneHa } = await import('../../suites/rules/control-plane.js');
    const zones = [...real, kubeletNode('ra2-control-plane2', 'zone-b', true)];
    const endpoints = { ready: ['10.0.0.1', '10.0.0.2'], notReady: [], slices: ['kubernetes'] };
    const judged = judgeControlPlaneHa({ nodes: [...zones, ...simulated], endpoints, leases: [] });
    expect(judged.status).to.equal('passed');
    expect(judged.evidence?.virtualLeftOut).to.deep.include({ count: 1000 });
    const realZoneC = kubeletNode('ra2-worker3', 'zone-c');
    const lacking = judgeControlPlaneHa({ nodes: [...zones, realZoneC], endpoints, leases: [] });
    expect(lacking.status === 'failed' && lacking.observed).to.contain('zone-c');
  });
});
