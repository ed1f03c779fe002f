import { expect } from 'chai';
import type { V1Node } from '@kubernetes/client-node';
import { mapBounded } from '../../helpers/k8s/bounded.js';
import { sampleNodes } from '../../helpers/probes/node-sample.js';
import { profileLabelOf } from '../../suites/rules/node-groups.js';

const node = (name: string, labels: Record<string, string> = {}): V1Node => ({
  metadata: { name, labels },
});
const cp = (name: string, zone?: string) =>
  node(name, {
    'node-role.kubernetes.io/control-plane': '',
    ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}),
  });
const worker = (name: string, labels: Record<string, string> = {}) => node(name, labels);

describe('node sampling (helpers/probes/node-sample.ts)', () => {
  it('takes one node per role and zone, and names the sample and --all-nodes', () => {
    const nodes = [
      worker('w3', { 'topology.kubernetes.io/zone': 'b' }),
      cp('cp1', 'a'),
      worker('w1', { 'topology.kubernetes.io/zone': 'a' }),
      worker('w2', { 'topology.kubernetes.io/zone': 'a' }),
      cp('cp2', 'a'),
    ];
    const sample = sampleNodes(nodes, { allNodes: false });
    expect(sample.nodes.map((n) => n.metadata?.name)).to.deep.equal(['cp1', 'w1', 'w3']);
    expect(sample.total).to.equal(5);
    expect(sample.note).to.equal(
      'sampled 3 of 5 node(s): one per role/profile/zone/instance-type; --all-nodes covers every node',
    );
    expect(sample.groups).to.deep.include({ node: 'w3', group: 'role=worker,zone=b' });
  });

  it('splits by instance type and profile label, and takes one node when nothing is labelled', () => {
    const nodes = [
      worker('a', { 'node.kubernetes.io/instance-type': 'm5.large' }),
      worker('b', { 'node.kubernetes.io/instance-type': 'm5.large' }),
      worker('c', { 'node.kubernetes.io/instance-type': 'c6.xlarge' }),
      worker('d', {
        'node.kubernetes.io/instance-type': 'm5.large',
        'anuket.io/profile-network-intensive': 'true',
      }),
    ];
    const sample = sampleNodes(nodes, { allNodes: false, profileOf: profileLabelOf });
    expect(sample.nodes.map((n) => n.metadata?.name)).to.deep.equal(['a', 'c', 'd']);
    expect(sample.groups.find((g) => g.node === 'd')?.group).to.equal(
      'role=worker,profile=network-intensive,instance-type=m5.large',
    );
    const plain = [worker('x'), worker('y'), worker('z')];
    expect(sampleNodes(plain, { allNodes: false }).nodes).to.have.length(1);
  });

  it('takes every node with allNodes, and none of none', () => {
    const nodes = Array.from({ length: 1000 }, (_, i) => worker(`w${String(i).padStart(4, '0')}`));
    const all = sampleNodes(nodes, { allNodes: true });
    expect(all.nodes).to.have.length(1000);
    expect(all.note).to.equal('probed all 1000 node(s) (--all-nodes)');
    expect(sampleNodes(nodes, { allNodes: false }).nodes).to.have.length(1);
    expect(sampleNodes([], { allNodes: false }).nodes).to.deep.equal([]);
  });

  it('runs at most `limit` at a time and keeps the order of the items', async () => {
    let running = 0;
    let peak = 0;
    const results = await mapBounded([50, 10, 30, 5, 20, 1, 15, 40, 25, 35], 3, async (ms, i) => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, ms));
      running--;
      return i;
    });
    expect(peak).to.equal(3);
    expect(results).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(await mapBounded([], 8, () => Promise.resolve(1))).to.deep.equal([]);
  });

  it('rejects when one item fails', async () => {
    const failing = mapBounded([1, 2, 3], 2, (n) =>
      n === 2 ? Promise.reject(new Error('pod did not start')) : Promise.resolve(n),
    );
    await failing.then(
      () => expect.fail('should reject'),
      (err: Error) => expect(err.message).to.equal('pod did not start'),
    );
  });
});
