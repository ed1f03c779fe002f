/**
 * ra2.ch.007: the node OS must support, and be allocated, routable IPv4 and
 * IPv6 addresses. Allocated: each node reports an InternalIP of each family
 * that is neither loopback nor link-local. Routable: a pod on the pod network
 * reaches each of those addresses (the kubelet port), which an unrouted
 * address would not allow.
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { V1Node } from '@kubernetes/client-node';
import { fail, pass, type Evidence, type Verdict } from '../../helpers/framework/result.js';
import { nodeName } from '../../helpers/k8s/nodes.js';

export interface NodeAddresses {
  node: string;
  /** InternalIPs of the family that are neither loopback nor link-local. */
  ipv4: string[];
  ipv6: string[];
  podCIDRs: string[];
  kubeletPort: number;
}

export function nodeAddresses(n: V1Node): NodeAddresses {
  const internal = (n.status?.addresses ?? [])
    .filter((a) => a.type === 'InternalIP')
    .map((a) => a.address);
  return {
    node: nodeName(n),
    ipv4: internal.filter(
      (ip) => isIPv4(ip) && !ip.startsWith('127.') && !ip.startsWith('169.254.'),
    ),
    ipv6: internal.filter((ip) => isIPv6(ip) && ip !== '::1' && !/^fe[89ab]/i.test(ip)),
    podCIDRs: n.spec?.podCIDRs ?? [],
    kubeletPort: n.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250,
  };
}

/** The failure when some node lacks a usable address of a family (or there is no node), else nothing. */
export function judgeAddressFamilies(
  addresses: readonly NodeAddresses[],
  evidence: Evidence = { nodes: addresses },
): Verdict | undefined {
  if (addresses.length === 0)
    return fail('nodes with IPv4 and IPv6 addresses', 'no nodes', evidence);
  const single = addresses.filter((a) => a.ipv4.length === 0 || a.ipv6.length === 0);
  if (single.length === 0) return undefined;
  return fail(
    'every node to have a routable IPv4 and IPv6 InternalIP',
    single
      .map(
        (a) => `${a.node}: IPv4 ${a.ipv4.join(',') || 'none'}, IPv6 ${a.ipv6.join(',') || 'none'}`,
      )
      .join('; '),
    evidence,
  );
}

/** One connection from the probe pod to a node address. */
export interface AddressAttempt {
  node: string;
  target: string;
  reachable: boolean;
  detail: string;
}

/** Every sampled node address reached from the pod network, or the failure naming those that were not. */
export function judgeAddressRouting(
  attempts: readonly AddressAttempt[],
  scope: { nodes: number; sampledNodes: number; from: string; sampleNote: string },
  evidence: Evidence,
): Verdict {
  const unreached = attempts.filter((a) => !a.reachable);
  return unreached.length === 0
    ? pass(
        `all ${scope.nodes} nodes have an IPv4 and an IPv6 InternalIP; both of each of ${scope.sampledNodes} sampled node(s) reached from a pod on ${scope.from} (${scope.sampleNote})`,
        evidence,
      )
    : fail(
        'every node address routable from the pod network',
        unreached.map((a) => `${a.node} ${a.target}: ${a.detail}`).join('; '),
        evidence,
      );
}
