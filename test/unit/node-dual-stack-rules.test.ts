import { expect } from 'chai';
import type { V1Node } from '@kubernetes/client-node';
import {
  judgeAddressFamilies,
  judgeAddressRouting,
  nodeAddresses,
} from '../../suites/rules/node-dual-stack.js';

const node = (name: string, ...internalIPs: string[]): V1Node => ({
  metadata: { name },
  spec: { podCIDRs: ['10.244.1.0/24'] },
  status: {
    addresses: [
      { type: 'Hostname', address: name },
      ...internalIPs.map((address) => ({ type: 'InternalIP', address })),
    ],
  },
});
const dual = (name: string, n: number) => node(name, `172.18.0.${n}`, `fc00:f853:ccd:e793::${n}`);
const scope = { nodes: 2, sampledNodes: 2, from: 'w1', sampleNote: 'every node' };

describe('ra2.ch.007 IPv4/IPv6 dual stack on nodes (suites/rules/node-dual-stack.ts)', () => {
  it('fails a single-stack IPv4 node, naming it and the family it lacks (red)', () => {
    const verdict = judgeAddressFamilies(
      [dual('cp', 2), node('w1', '172.18.0.3')].map(nodeAddresses),
    );
    expect(verdict).to.deep.include({
      status: 'failed',
      expected: 'every node to have a routable IPv4 and IPv6 InternalIP',
      observed: 'w1: IPv4 172.18.0.3, IPv6 none',
    });
  });

  it('does not count loopback or link-local addresses as allocated (red)', () => {
    const addresses = nodeAddresses(node('w1', '169.254.3.1', 'fe80::1', '::1', '127.0.0.1'));
    expect(addresses).to.deep.include({ ipv4: [], ipv6: [], kubeletPort: 10250 });
    expect(judgeAddressFamilies([addresses])).to.deep.include({
      status: 'failed',
      observed: 'w1: IPv4 none, IPv6 none',
    });
  });

  it('fails a node address the pod network does not reach (red)', () => {
    const verdict = judgeAddressRouting(
      [
        { node: 'w1', target: '172.18.0.3:10250', reachable: true, detail: '' },
        {
          node: 'w1',
          target: '[fc00:f853:ccd:e793::3]:10250',
          reachable: false,
          detail: 'TIMEOUT',
        },
      ],
      scope,
      {},
    );
    expect(verdict).to.deep.include({
      status: 'failed',
      expected: 'every node address routable from the pod network',
      observed: 'w1 [fc00:f853:ccd:e793::3]:10250: TIMEOUT',
    });
  });

  it('passes nodes with both families, each reached from a pod (green)', () => {
    const addresses = [dual('cp', 2), dual('w1', 3)].map(nodeAddresses);
    expect(judgeAddressFamilies(addresses)).to.equal(undefined);
    const attempts = addresses.flatMap((a) =>
      [a.ipv4[0]!, `[${a.ipv6[0]!}]`].map((ip) => ({
        node: a.node,
        target: `${ip}:${a.kubeletPort}`,
        reachable: true,
        detail: '',
      })),
    );
    expect(judgeAddressRouting(attempts, scope, {})).to.deep.include({
      status: 'passed',
      summary:
        'all 2 nodes have an IPv4 and an IPv6 InternalIP; both of each of 2 sampled node(s) reached from a pod on w1 (every node)',
    });
  });

  it('fails (never passes) when the API lists no node', () => {
    expect(judgeAddressFamilies([])).to.deep.include({ status: 'failed', observed: 'no nodes' });
  });
});
