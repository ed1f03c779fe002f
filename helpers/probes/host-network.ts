/**
 * Probes in a node's own network namespace (hostNetwork pods): a netexec
 * server listening on the node's addresses, so a pod's traffic to the node is
 * seen with the source address it really had on the wire. Such pods need a check namespace at podSecurity 'privileged'. Observes only.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { applyTweaks, type Pods } from '../k8s/namespace-handle.js';
import { attemptUntil, netexecServerPod } from './netexec.js';
import { clientIpSeenBy } from './pod-network.js';
import { pinToNode } from './tweaks.js';

/** A port for host-network servers, away from the NodePort range and well-known ports. */
export function hostProbePort(random: () => number = Math.random): number {
  return 19000 + Math.floor(random() * 1000);
}

/** A netexec server in `node`'s network namespace on `port` (hostNetwork, still non-root). */
export function hostNetworkServerPod(
  ctx: CheckContext,
  name: string,
  node: V1Node,
  port: number,
): V1Pod {
  const pod = netexecServerPod(ctx, name, { 'ra2.anuket.io/role': 'host-server' }, port);
  pod.spec!.hostNetwork = true;
  return applyTweaks(pod, [pinToNode(node)]);
}

/** The node's InternalIP addresses, IPv4 first then IPv6 (as the node reports them). */
export function internalIps(node: V1Node): { ipv4?: string; ipv6?: string } {
  const ips = (node.status?.addresses ?? [])
    .filter((a) => a.type === 'InternalIP')
    .map((a) => a.address);
  return { ipv4: ips.find((ip) => isIPv4(ip)), ipv6: ips.find((ip) => isIPv6(ip)) };
}

/** Flags and settings by which CNI agents say whether they masquerade pod egress. */
const masqueradeSetting = /masq|pod-egress|nat[-_]?outgoing|snat/i;

/**
 * Masquerade settings the pod network's agents state in their command lines
 * and environment (kube-router --enable-pod-egress, flannel --ip-masq, Calico
 * CALICO_IPV4POOL_NAT_OUTGOING, Cilium --enable-ipv4-masquerade, ...), read from
 * host-network pods' specs: evidence of what the CNI intends, not what it does.
 * Settings kept elsewhere (Calico IPPools, config files) are not read.
 */
export function masqueradeSettings(pods: readonly V1Pod[]): string[] {
  const found = new Set<string>();
  for (const pod of pods.filter((p) => p.spec?.hostNetwork)) {
    for (const c of pod.spec?.containers ?? []) {
      const words = [...(c.command ?? []), ...(c.args ?? [])].flatMap((a) => a.split(/\s+/));
      const env = (c.env ?? []).map((e) => `${e.name}=${e.value ?? '(from a reference)'}`);
      const hits = [...words, ...env].filter((w) => masqueradeSetting.test(w));
      const owner = pod.metadata?.ownerReferences?.[0]?.name ?? pod.metadata?.name ?? '';
      if (hits.length > 0)
        found.add(`${pod.metadata?.namespace ?? ''}/${owner} ${c.name}: ${hits.join(' ')}`);
    }
  }
  return [...found];
}

/** One family's attempt from a client pod to a node address: what the host-network server saw. */
export interface NodeSourceObservation {
  family: 'IPv4' | 'IPv6';
  podIp: string;
  target?: string;
  seen?: string;
  error?: string;
  /** Every answer when the first was another address than the pod's: the first and two more. */
  answers?: string[];
}

/** Answers asked for after a first one that was not the pod's own address. */
export const NAT_CONFIRMATIONS = 2;

/**
 * From pod `client` (addresses `clientIps`) asks the host-network netexec
 * server on `port` at the server node's InternalIP of each family which
 * source address it saw; a few tries each, as a node's firewall rules for a
 * new pod may lag its readiness.
 */
export async function sourceSeenByNode(
  ctx: CheckContext,
  pods: Pick<Pods, 'exec'>,
  client: { name: string; ips: readonly string[] },
  serverNode: V1Node,
  port: number,
): Promise<NodeSourceObservation[]> {
  const nodeIps = internalIps(serverNode);
  const observations: NodeSourceObservation[] = [];
  for (const [family, podIp, target] of [
    ['IPv4', client.ips.find((ip) => isIPv4(ip)), nodeIps.ipv4],
    ['IPv6', client.ips.find((ip) => isIPv6(ip)), nodeIps.ipv6],
  ] as const) {
    if (!podIp) continue;
    if (!target) {
      observations.push({ family, podIp });
      continue;
    }
    const asked = await attemptUntil(
      ctx,
      `the server at ${target} to report the ${family} source address`,
      () => clientIpSeenBy(pods, client.name, target, port),
      (r) => r.seen !== undefined,
      ctx.timeouts.serviceEndpoints,
    );
    const { seen, error } = asked.last;
    const answers =
      seen !== undefined && seen !== podIp
        ? [seen, ...(await askAgain(ctx, pods, client.name, target, port))]
        : undefined;
    observations.push({ family, podIp, target, seen, error, answers });
  }
  return observations;
}

/**
 * Asks NAT_CONFIRMATIONS more times, a poll interval apart: whether another
 * address stood in for the pod's on every connection or on one (a CNI rule
 * rewritten under the check) is part of the evidence.
 */
async function askAgain(
  ctx: CheckContext,
  pods: Pick<Pods, 'exec'>,
  client: string,
  target: string,
  port: number,
): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 0; i < NAT_CONFIRMATIONS; i++) {
    await sleep(ctx.timeouts.pollInterval, undefined, { signal: ctx.signal });
    const r = await clientIpSeenBy(pods, client, target, port);
    answers.push(r.seen ?? `no answer (${r.error ?? 'unknown'})`);
  }
  return answers;
}
