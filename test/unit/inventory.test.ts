import { expect } from 'chai';
import type { CoreV1Api, V1Node, V1Pod } from '@kubernetes/client-node';
import {
  ClusterInventory,
  notEnded,
  readAllPages,
  sharedUntilFailure,
} from '../../helpers/k8s/inventory.js';

type ListRequest = { limit?: number; _continue?: string };

/** An API whose lists come in pages of `pageSize` objects, recording every request. */
function pagedApi(nodeCount: number, podCount: number) {
  const requests: { list: string; request: ListRequest }[] = [];
  const page =
    <T>(list: string, all: T[]) =>
    (request: ListRequest) => {
      requests.push({ list, request });
      const start = Number(request._continue ?? 0);
      const end = start + (request.limit ?? all.length);
      return Promise.resolve({
        items: all.slice(start, end),
        metadata: { _continue: end < all.length ? String(end) : undefined },
      });
    };
  const nodes: V1Node[] = Array.from({ length: nodeCount }, (_, i) => ({
    metadata: { name: `n${i}` },
  }));
  const pods: V1Pod[] = Array.from({ length: podCount }, (_, i) => ({
    metadata: { name: `p${i}` },
  }));
  const core = {
    listNode: page('nodes', nodes),
    listPodForAllNamespaces: page('pods', pods),
  } as unknown as CoreV1Api;
  return { core, requests };
}

describe('the cluster inventory (helpers/k8s/inventory.ts)', () => {
  it('reads every page of a list, each no larger than the page size', async () => {
    const { core, requests } = pagedApi(1_003, 0);
    const nodes = await new ClusterInventory(core, 500).nodes();
    expect(nodes.map((n) => n.metadata?.name)).to.have.length(1_003);
    expect(nodes[1_002]?.metadata?.name).to.equal('n1002');
    expect(requests.map((r) => r.request)).to.deep.equal([
      { limit: 500, _continue: undefined },
      { limit: 500, _continue: '500' },
      { limit: 500, _continue: '1000' },
    ]);
  });

  it('lists once for many checks asking at the same time, and once again never', async () => {
    const { core, requests } = pagedApi(3, 10);
    const inventory = new ClusterInventory(core);
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(() => inventory.pods()));
    await inventory.pods();
    expect(requests.filter((r) => r.list === 'pods')).to.have.length(1);
    expect(answers.every((a) => a === answers[0])).to.equal(true);
    expect(requests.filter((r) => r.list === 'nodes')).to.have.length(0);
  });

  it('reads again after a failed read, instead of failing every later check', async () => {
    let calls = 0;
    const load = sharedUntilFailure(() => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('connection reset')) : Promise.resolve(calls);
    });
    const [first, second] = await Promise.allSettled([load(), load()]);
    expect(first).to.deep.include({ status: 'rejected' });
    expect(second).to.deep.include({ status: 'rejected' });
    expect(await load()).to.equal(2);
    expect(await load()).to.equal(2);
    expect(calls).to.equal(2);
  });

  it('stops at the first page without a continue token', async () => {
    const pages = await readAllPages((page) =>
      Promise.resolve({ items: [page ?? 'first'], metadata: { _continue: '' } }),
    );
    expect(pages).to.deep.equal(['first']);
  });

  it('counts a pod as holding its node until it succeeded or failed', () => {
    const phases = ['Pending', 'Running', 'Succeeded', 'Failed', 'Unknown', undefined];
    expect(phases.map((phase) => notEnded({ status: { phase } }))).to.deep.equal([
      true,
      true,
      false,
      false,
      true,
      true,
    ]);
  });
});
