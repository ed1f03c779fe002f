/**
 * Network attachment jig (Multus and other implementations of the Network
 * Plumbing Working Group's multi-network spec): find the multiplexer, build
 * NetworkAttachmentDefinitions from CNI configurations, request attachments
 * through the standard pod annotation, and observe what a pod got, both in its
 * network-status annotation and in the interfaces inside it. Observes only:
 * what counts as an attachment seen, a CNI configuration or an unrequested
 * attachment is judged in suites/rules/networking-attachments.ts.
 */
import { CustomObjectsApi, type V1Pod } from '@kubernetes/client-node';
import { servedResource, type ServedResource } from '../k8s/api-resources.js';
import { findComponentPods, type ComponentPod } from '../k8s/components.js';
import {
  NAD_GROUP,
  NAD_PLURAL,
  NAD_VERSION,
  type NamespaceHandle,
  type NetworkAttachment,
  type Pods,
  type Tweak,
} from '../k8s/namespace-handle.js';
import type { CheckContext } from '../framework/context.js';
import { withAnnotations } from './tweaks.js';

export { NAD_GROUP, NAD_PLURAL, NAD_VERSION };
export const networksAnnotation = 'k8s.v1.cni.cncf.io/networks';
export const networkStatusAnnotation = 'k8s.v1.cni.cncf.io/network-status';
/** Multus, its thick-plugin daemon, and other meta plugins (DANM, Genie, Knitter). */
export const multiplexerPattern = /multus|danm|cni-genie|knitter/i;

export interface Multiplexer {
  nad: ServedResource;
  pods: ComponentPod[];
}

export async function findMultiplexer(ctx: CheckContext): Promise<Multiplexer> {
  const nad = await servedResource(ctx.cluster.kc, NAD_GROUP, NAD_PLURAL);
  const pods = await findComponentPods(ctx.cluster.inventory, multiplexerPattern);
  return { nad, pods };
}

/** What the multiplexer evidence says, for reasons and evidence. */
export function describeMultiplexer(m: Multiplexer): Record<string, unknown> {
  return {
    networkAttachmentDefinitionsServed: m.nad.served,
    nadGroupVersions: m.nad.groupVersions,
    multiplexerPods: m.pods.map((p) => `${p.namespace}/${p.pod} (${p.owner}) ${p.phase}`),
  };
}

export type CniConfig = Record<string, unknown>;

/** host-local IPAM over one subnet: addresses unique per node only. */
export function hostLocalIpam(subnet: string): CniConfig {
  return { type: 'host-local', subnet };
}

/** whereabouts IPAM: addresses unique across the whole cluster. */
export function whereaboutsIpam(range: string): CniConfig {
  return { type: 'whereabouts', range };
}

/** macvlan in bridge mode on the node's default-route interface (no master named). */
export function macvlanConfig(name: string, ipam: CniConfig): CniConfig {
  return { cniVersion: '0.3.1', name, type: 'macvlan', mode: 'bridge', ipam };
}

/** A Linux bridge on each node (the bridge device stays on the node after the pod is gone). */
export function bridgeConfig(name: string, bridge: string, ipam: CniConfig): CniConfig {
  return { cniVersion: '0.3.1', name, type: 'bridge', bridge, ipam };
}

/** A NetworkAttachmentDefinition template carrying a CNI configuration. */
export function networkAttachment(name: string, config: CniConfig): NetworkAttachment {
  return { metadata: { name }, spec: { config: JSON.stringify(config) } };
}

/** Creates one NetworkAttachmentDefinition per entry (name -> CNI configuration) in the namespace. */
export async function createAttachments(
  ns: NamespaceHandle,
  attachments: Record<string, CniConfig>,
): Promise<void> {
  for (const [name, config] of Object.entries(attachments))
    await ns.createAttachment(networkAttachment(name, config));
}

export interface NetworkAttachmentDefinition {
  namespace: string;
  name: string;
  config: string;
  annotations: Record<string, string>;
}

export async function listNetworkAttachments(
  ctx: CheckContext,
): Promise<NetworkAttachmentDefinition[]> {
  const api = ctx.cluster.kc.makeApiClient(CustomObjectsApi);
  const list = (await api.listClusterCustomObject({
    group: NAD_GROUP,
    version: NAD_VERSION,
    plural: NAD_PLURAL,
  })) as {
    items?: {
      metadata?: { namespace?: string; name?: string; annotations?: Record<string, string> };
      spec?: { config?: string };
    }[];
  };
  return (list.items ?? []).map((item) => ({
    namespace: item.metadata?.namespace ?? '',
    name: item.metadata?.name ?? '',
    config: item.spec?.config ?? '',
    annotations: item.metadata?.annotations ?? {},
  }));
}

export interface AttachmentRequest {
  /** NetworkAttachmentDefinition name (in the pod's namespace). */
  name: string;
  /** Interface name inside the pod, e.g. net1. */
  interface: string;
}

/** Requests attachments through the standard annotation; no request leaves the pod as it is. */
export function requestNetworks(requests: readonly AttachmentRequest[]): Tweak<V1Pod> {
  return requests.length === 0
    ? () => {}
    : withAnnotations({ [networksAnnotation]: JSON.stringify(requests) });
}

export interface NetworkStatus {
  name: string;
  interface?: string;
  ips: string[];
  mac?: string;
  default: boolean;
}

/** Parses the k8s.v1.cni.cncf.io/network-status annotation; [] when absent or unreadable. */
export function parseNetworkStatus(annotation: string | undefined): NetworkStatus[] {
  if (!annotation) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(annotation);
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  return parsed.map((entry) => {
    const e = entry as Record<string, unknown>;
    return {
      name: typeof e.name === 'string' ? e.name : '',
      interface: typeof e.interface === 'string' ? e.interface : undefined,
      ips: Array.isArray(e.ips) ? e.ips.filter((ip): ip is string => typeof ip === 'string') : [],
      mac: typeof e.mac === 'string' ? e.mac : undefined,
      default: e.default === true,
    };
  });
}

export function networkStatusOf(pod: V1Pod): NetworkStatus[] {
  return parseNetworkStatus(pod.metadata?.annotations?.[networkStatusAnnotation]);
}

/** A pod's additional connection points and the ways it could have asked for them. */
export interface PodAttachments {
  /** namespace/name */
  pod: string;
  /** Non-default entries of its network-status, "name (interface)". */
  attachments: string[];
  /** It carries the networks annotation. */
  annotated: boolean;
  /** Resource names its containers request or limit. */
  resources: string[];
}

export function attachmentsOf(pod: V1Pod): PodAttachments {
  const extra = networkStatusOf(pod).filter((s) => !s.default);
  const containers = pod.spec?.containers ?? [];
  return {
    pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
    attachments: extra.map((s) => `${s.name}${s.interface ? ` (${s.interface})` : ''}`),
    annotated: Boolean(pod.metadata?.annotations?.[networksAnnotation]),
    resources: [
      ...new Set(
        containers.flatMap((c) =>
          Object.keys({ ...c.resources?.requests, ...c.resources?.limits }),
        ),
      ),
    ],
  };
}

/** `ip -o addr show` -> interface -> addresses (without prefix length); lo left out. */
export function parseIpAddr(output: string): Record<string, string[]> {
  const interfaces: Record<string, string[]> = {};
  for (const line of output.split('\n')) {
    const match = /^\d+:\s+(\S+)\s+(inet6?)\s+([0-9a-fA-F.:]+)\/\d+/.exec(line.trim());
    if (!match) continue;
    const name = match[1]!.split('@')[0]!;
    if (name === 'lo') continue;
    (interfaces[name] ??= []).push(match[3]!);
  }
  return interfaces;
}

/** The interfaces and addresses a pod sees inside its network namespace. */
export async function interfacesInside(
  pods: Pick<Pods, 'exec'>,
  pod: string,
): Promise<Record<string, string[]>> {
  const result = await pods.exec(pod, ['ip', '-o', 'addr', 'show']);
  if (result.exitCode !== 0)
    throw new Error(`ip -o addr show failed in ${pod}: ${result.stderr.trim()}`);
  return parseIpAddr(result.stdout);
}

/** What a running pod got: the interfaces inside it and the multiplexer's network-status. */
export interface AttachmentObservation {
  inside: Record<string, string[]>;
  status: NetworkStatus[];
  evidence: Record<string, unknown>;
}

export async function observeAttachments(
  pods: Pick<Pods, 'exec'>,
  pod: V1Pod,
  requested: readonly AttachmentRequest[],
): Promise<AttachmentObservation> {
  const name = pod.metadata?.name ?? '';
  const inside = await interfacesInside(pods, name);
  const status = networkStatusOf(pod);
  return {
    inside,
    status,
    evidence: {
      pod: `${name} on ${pod.spec?.nodeName ?? '?'}`,
      requested,
      interfacesInside: inside,
      networkStatus: status.map(
        (s) => `${s.name} ${s.interface ?? ''} ${s.ips.join(',')}${s.default ? ' (default)' : ''}`,
      ),
    },
  };
}
