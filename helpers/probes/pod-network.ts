/**
 * Pod network jig: choose nodes, pin pods to them, and observe from a client
 * pod what the network does (the source address a server saw). Servers and
 * TCP attempts come from netexec.ts. Observes; suites assert.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import {
  applyTweaks,
  type NamespaceHandle,
  type Pods,
  type Tweak,
} from '../k8s/namespace-handle.js';
import { execReadOnly } from '../k8s/exec.js';
import { isReady, nodeName, probeableNodes, workers, zoneOf } from '../k8s/nodes.js';
import { hostPort, netexecServerPod } from './netexec.js';
import { sleeperPod } from './pod.js';
import { pinToNode } from './tweaks.js';

export const NETEXEC_PORT = 8080;

/** Ready, schedulable worker nodes, ordered so the first two are in different zones when possible. */
export function spreadWorkers(nodes: readonly V1Node[]): V1Node[] {
  const usable = probeableNodes(workers(nodes)).filter((n) => isReady(n) && !n.spec?.unschedulable);
  const first = usable[0];
  if (!first) return [];
  const otherZone = usable.find((n) => zoneOf(n) !== zoneOf(first));
  return otherZone
    ? [first, otherZone, ...usable.filter((n) => n !== first && n !== otherZone)]
    : usable;
}

/** The client address netexec's /clientip reports ("10.0.0.5:41234", "[fd00::5]:41234") without the port. */
export function hostOfRemoteAddr(remote: string): string {
  const text = remote.trim();
  const bracketed = /^\[([^\]]+)\]:\d+$/.exec(text);
  if (bracketed) return bracketed[1]!;
  const v4 = /^([\d.]+):\d+$/.exec(text);
  if (v4) return v4[1]!;
  return text;
}

/** Asks the netexec server at ip:port which source address it saw the request come from. */
export async function clientIpSeenBy(
  pods: Pick<Pods, 'exec'>,
  client: string,
  ip: string,
  port: number,
): Promise<{ target: string; seen?: string; error?: string }> {
  const target = hostPort(ip, port);
  const r = await execReadOnly(() =>
    pods.exec(client, ['curl', '-sS', '-g', '--max-time', '5', `http://${target}/clientip`]),
  );
  if (r.exitCode !== 0) return { target, error: `exit ${r.exitCode}: ${r.stderr.trim()}` };
  return { target, seen: hostOfRemoteAddr(r.stdout) };
}

export function podIPs(pod: V1Pod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip);
  return ips.length > 0 ? ips : pod.status?.podIP ? [pod.status.podIP] : [];
}

export function ipv4Of(ips: readonly string[]): string | undefined {
  return ips.find((ip) => isIPv4(ip));
}

export function ipv6Of(ips: readonly string[]): string | undefined {
  return ips.find((ip) => isIPv6(ip));
}

/** Is `ip` inside `cidr` ("10.244.1.0/24", "fd00:10:244:1::/64")? */
export function inCidr(ip: string, cidr: string): boolean {
  const [network, bits] = cidr.split('/');
  if (!network || bits === undefined) return false;
  const family = isIPv6(network) ? 'ipv6' : 'ipv4';
  if ((family === 'ipv6') !== isIPv6(ip)) return false;
  const list = new BlockList();
  list.addSubnet(network, Number(bits), family);
  return list.check(ip, family);
}

/** A netexec server pinned to `node`, labelled `labels`. */
export function serverOnNode(
  ctx: CheckContext,
  name: string,
  node: V1Node,
  labels: Record<string, string> = {},
  port = NETEXEC_PORT,
): V1Pod {
  const pod = netexecServerPod(ctx, name, { 'ra2.anuket.io/role': 'server', ...labels }, port);
  return applyTweaks(pod, [pinToNode(node)]);
}

export interface CrossNodePair {
  serverNode: string;
  clientNode: string;
  server: V1Pod;
  client: V1Pod;
}

export type PairOutcome =
  | { ok: true; pair: CrossNodePair }
  | { ok: false; why: 'too-few-workers'; workers: string[] }
  | {
      ok: false;
      why: 'not-started';
      pod: string;
      reason: string;
      described: Record<string, unknown>;
    };

/**
 * A netexec server named "server" on one worker and a sleeper "client" on
 * another (different zones when the cluster has them), both started in the
 * namespace. `tweaks` adjust both pods (e.g. to request extra networks).
 */
export async function startCrossNodePair(
  ctx: CheckContext,
  ns: NamespaceHandle,
  ...tweaks: Tweak<V1Pod>[]
): Promise<PairOutcome> {
  const nodes = spreadWorkers(await ctx.cluster.inventory.nodes());
  const [serverNode, clientNode] = nodes;
  if (!serverNode || !clientNode)
    return { ok: false, why: 'too-few-workers', workers: nodes.map(nodeName) };
  const server = applyTweaks(serverOnNode(ctx, 'server', serverNode), tweaks);
  const client = applyTweaks(sleeperPod(ctx, 'client'), [pinToNode(clientNode), ...tweaks]);
  const started = await ns.pods.tryStartAll([server, client]);
  if (started.failed)
    return {
      ok: false,
      why: 'not-started',
      pod: started.failed.name,
      reason: started.failed.reason,
      described: started.failed.described,
    };
  return {
    ok: true,
    pair: {
      serverNode: nodeName(serverNode),
      clientNode: nodeName(clientNode),
      server: started.started[0]!,
      client: started.started[1]!,
    },
  };
}
