import { expect } from 'chai';
import type { V1Node } from '@kubernetes/client-node';
import { isVirtualNode, probeableNodes } from '../../helpers/k8s/nodes.js';

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
