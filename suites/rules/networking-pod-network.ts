/**
 * RA2 rules on the default pod network, observed across two workers:
 * ra2.ntw.002 (a CNI pod network, where kubenet has no cross-node
 * networking) and ra2.ntw.013 (dual-stack IPv4/IPv6). The observations are a
 * server and a client pod's addresses and the client's TCP connection
 * attempts to the server (helpers/probes/pod-network.ts, netexec.ts).
 */
import { fail, pass, skip, type Verdict } from '../../helpers/framework/result.js';
import type { ConnectAttempt } from '../../helpers/probes/netexec.js';
import { hostOfRemoteAddr, inCidr, ipv4Of, ipv6Of } from '../../helpers/probes/pod-network.js';

/** A probe pod's addresses beside its node's podCIDRs. */
export interface PodPlacement {
  pod: string;
  node: string;
  ips: string[];
  podCIDRs: string[];
  /** Its addresses outside every podCIDR of its node; [] when the node has none (evidence only). */
  outsidePodCIDRs: string[];
}

/** The placement of `pod`; CNIs with their own IPAM ignore node podCIDRs, so this is evidence only. */
export function placementOf(
  pod: string,
  node: string,
  ips: readonly string[],
  podCIDRs: readonly string[],
): PodPlacement {
  return {
    pod,
    node,
    ips: [...ips],
    podCIDRs: [...podCIDRs],
    outsidePodCIDRs:
      podCIDRs.length === 0 ? [] : ips.filter((ip) => !podCIDRs.some((c) => inCidr(ip, c))),
  };
}

/**
 * ra2.ntw.002: every pod got a pod-network address and the client reached
 * the server on another node at each of its addresses. `placement` lists
 * the server first, then the client; `attempts` are the client's, one per
 * server address.
 */
export function judgeCrossNodePodNetwork(
  placement: readonly PodPlacement[],
  attempts: readonly ConnectAttempt[],
): Verdict {
  const evidence = { placement, attempts };
  const noIp = placement.filter((p) => p.ips.length === 0);
  if (noIp.length > 0)
    return fail(
      'each pod to get an address from the pod network',
      `no pod IP: ${noIp.map((p) => `${p.pod} on ${p.node}`).join(', ')}`,
      evidence,
    );
  if (attempts.length === 0)
    return skip('nothing to judge: no connection between the pods was attempted', evidence);
  const unreachable = attempts.filter((a) => !a.reachable);
  return unreachable.length === 0
    ? pass(
        `pods on ${placement.map((p) => p.node).join(' and ')} got pod-network addresses (${placement.flatMap((p) => p.ips).join(', ')}) and connected across nodes`,
        evidence,
      )
    : fail(
        'pods on different nodes to reach each other over the default pod network',
        unreachable.map((a) => `${a.target}: ${a.detail}`).join('; '),
        evidence,
      );
}

/** A probe pod's pod IPs (status.podIPs). */
export interface PodAddresses {
  pod: string;
  node: string;
  ips: string[];
}

/** The families a dual-stack pod network gives every pod that `p` lacks. */
export function missingFamilies(p: PodAddresses): ('IPv4' | 'IPv6')[] {
  return [
    ...(ipv4Of(p.ips) ? [] : (['IPv4'] as const)),
    ...(ipv6Of(p.ips) ? [] : (['IPv6'] as const)),
  ];
}

/**
 * ra2.ntw.013: both pods got an IPv4 and an IPv6 address, and the client
 * reached the server on another node over both. A pod lacking a family fails
 * whatever the attempts; with both families and no attempt to one of the
 * server's addresses there is nothing to judge.
 */
export function judgeDualStack(
  server: PodAddresses,
  client: PodAddresses,
  attempts: readonly ConnectAttempt[],
): Verdict {
  const families = (p: PodAddresses) => ({
    node: p.node,
    ipv4: ipv4Of(p.ips),
    ipv6: ipv6Of(p.ips),
  });
  const evidence: Record<string, unknown> = { server: families(server), client: families(client) };
  const single = [server, client].filter((p) => missingFamilies(p).length > 0);
  if (single.length > 0)
    return fail(
      'every pod to get an IPv4 and an IPv6 address from the CNI plugin',
      single
        .map(
          (p) =>
            `${p.pod} on ${p.node} has podIPs ${p.ips.join(', ') || 'none'} (no ${missingFamilies(p).join(', no ')})`,
        )
        .join('; '),
      evidence,
    );
  if (attempts.length > 0) evidence.attempts = attempts;
  const bad = attempts.filter((a) => !a.reachable);
  if (bad.length > 0)
    return fail(
      'pod-to-pod connectivity across nodes over IPv4 and IPv6',
      bad.map((a) => `${a.target}: ${a.detail}`).join('; '),
      evidence,
    );
  const attempted = attempts.map((a) => hostOfRemoteAddr(a.target));
  const unattempted = [ipv4Of(server.ips)!, ipv6Of(server.ips)!].filter(
    (ip) => !attempted.includes(ip),
  );
  if (unattempted.length > 0)
    return skip(
      `nothing to judge: no connection attempted to the server's ${unattempted.join(', ')}`,
      evidence,
    );
  return pass(
    `both pods got IPv4 and IPv6 addresses; the client reached the server on another node over both families`,
    evidence,
  );
}
