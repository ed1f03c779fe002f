/**
 * ra2.ch.010 (320 GB of local filesystem) and ra2.ch.012 (32 GB of RAM), judged
 * on the capacity each kubelet reports: no bed has nodes that large, so their
 * green side is shown here, with the red side and the empty cluster.
 */
import type { V1Node } from '@kubernetes/client-node';
import { expect } from 'chai';
import {
  capacityAtLeast,
  minEphemeralStorageBytes,
  minMemoryBytes,
} from '../../suites/rules/capacity.js';

const node = (name: string, capacity: Record<string, string>): V1Node => ({
  metadata: { name },
  status: { capacity },
});

/** ch.010's and ch.012's verdicts on the same nodes. */
const judgeBoth = (nodes: V1Node[]) => ({
  storage: capacityAtLeast(nodes, 'ephemeral-storage', minEphemeralStorageBytes, 'disk'),
  memory: capacityAtLeast(nodes, 'memory', minMemoryBytes, 'RAM'),
});

describe('node capacity rules (ra2.ch.010, ra2.ch.012)', () => {
  it('passes nodes at or above 320 GB of ephemeral storage and 32 GB of memory (green)', () => {
    const { storage, memory } = judgeBoth([
      node('w1', { 'ephemeral-storage': '320G', memory: '32G' }),
      node('w2', { 'ephemeral-storage': '1Ti', memory: '256Gi' }),
    ]);
    expect(storage.status).to.equal('passed');
    expect(memory.status).to.equal('passed');
  });

  it('fails a cluster where one node is short, naming it and what it has (red)', () => {
    const { storage, memory } = judgeBoth([
      node('w1', { 'ephemeral-storage': '400G', memory: '64Gi' }),
      node('kind-worker', { 'ephemeral-storage': '250G', memory: '29Gi' }),
    ]);
    expect(storage.status).to.equal('failed');
    expect(storage.status === 'failed' && storage.observed).to.equal(
      'kind-worker: 232.8 GiB (250.0 GB)',
    );
    expect(memory.status === 'failed' && memory.observed).to.match(/^kind-worker: /);
  });

  it('fails a node that does not report the capacity', () => {
    const verdict = capacityAtLeast([node('w1', {})], 'memory', minMemoryBytes, 'RAM');
    expect(verdict.status).to.equal('failed');
  });

  it('has nothing to judge on a cluster that lists no nodes: a skip, not a pass or a fail', () => {
    const verdict = capacityAtLeast([], 'memory', minMemoryBytes, 'RAM');
    expect(verdict.status).to.equal('skipped');
    expect(verdict.status === 'skipped' && verdict.reason).to.match(/nothing to judge/);
  });
});
