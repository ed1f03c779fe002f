/**
 * Network attachment jig (Multus and other implementations of the Network
 * Plumbing Working Group's multi-network spec): find the multiplexer, create
 * NetworkAttachmentDefinitions from CNI configurations, request attachments
 * through the standard pod annotation, and observe what a pod got, both in its
 * network-status annotation and in the interfaces inside it.
 */
import { CustomObjectsApi, type V1Pod } from '@kubernetes/client-node';
import { servedResource, type ServedResource } from '../k8s/api-resources.js';
import { findComponentPods, type ComponentPod } from '../k8s/components.js';
import type { CheckContext } from '../framework/context.js';
import type { PodJig } from './pod.js';

export const NAD_GROUP = 'k8s.cni.cncf.io';
export const NAD_VERSION = 'v1';
export const NAD_PLURAL = 'network-attachment-definitions';
export const networksAnnotation = 'k8s.v1.cni.cncf.io/networks';
export const networkStatusAnnotation = 'k8s.v1.cni.cncf.io/network-status';
/** Multus, its thick-plugin daemon, and other meta plugins (DANM, Genie, Knitter). */
export const multiplexerPattern = /multus|danm|cni-genie|knitter/i;

export interface Multiplexer {
  nad: ServedResource;
  pods: ComponentPod[];
  /** The NetworkAttachmentDefinition CRD is served and some multiplexer pod exists. */
  present: boolean;
}

export async function findMultiplexer(ctx: CheckContext): Promise<Multiplexer> {
  const nad = await servedResource(ctx.cluster.kc, NAD_GROUP, NAD_PLURAL);
  const pods = await findComponentPods(ctx.cluster.core, multiplexerPattern);
  return { nad, pods, present: nad.served && pods.length > 0 };
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

export async function createNetworkAttachment(
  ctx: CheckContext,
  namespace: string,
  name: string,
  config: CniConfig,
): Promise<void> {
  const api = ctx.cluster.kc.makeApiClient(CustomObjectsApi);
  await api.createNamespacedCustomObject({
    group: NAD_GROUP,
    version: NAD_VERSION,
    namespace,
    plural: NAD_PLURAL,
    body: {
      apiVersion: `${NAD_GROUP}/${NAD_VERSION}`,
      kind: 'NetworkAttachmentDefinition',
      metadata: { name, labels: ctx.labels },
      spec: { config: JSON.stringify(config) },
    },
  });
  ctx.log(`Created NetworkAttachmentDefinition ${namespace}/${name} (${String(config.type)})`);
}

export interface NetworkAttachmentDefinition {
  namespace: string;
  name: string;
  config: string;
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
    items?: { metadata?: { namespace?: string; name?: string }; spec?: { config?: string } }[];
  };
  return (list.items ?? []).map((item) => ({
    namespace: item.metadata?.namespace ?? '',
    name: item.metadata?.name ?? '',
    config: item.spec?.config ?? '',
  }));
}

/**
 * Does a NAD's config look like a CNI network configuration: a cniVersion and
 * either a plugin type or a plugins list whose entries each name a type?
 * Returns the plugin types, or an error text. (An empty config means the
 * NAD relies on a file on the node, which the API cannot show.)
 */
export function cniPluginTypes(config: string): { types: string[]; error?: string } {
  if (config.trim() === '')
    return { types: [], error: 'no config (refers to a file on the nodes)' };
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(config) as Record<string, unknown>;
  } catch {
    return { types: [], error: 'config is not JSON' };
  }
  if (typeof parsed.cniVersion !== 'string')
    return { types: [], error: 'config has no cniVersion' };
  if (typeof parsed.type === 'string') return { types: [parsed.type] };
  if (Array.isArray(parsed.plugins)) {
    const types = parsed.plugins.map((p) => (p as { type?: unknown }).type);
    if (types.length > 0 && types.every((t) => typeof t === 'string')) return { types: types };
  }
  return { types: [], error: 'config names no plugin type' };
}

export interface AttachmentRequest {
  /** NetworkAttachmentDefinition name (in the pod's namespace). */
  name: string;
  /** Interface name inside the pod, e.g. net1. */
  interface: string;
}

/** Requests attachments through the standard annotation. */
export function requestNetworks(pod: V1Pod, requests: readonly AttachmentRequest[]): void {
  pod.metadata!.annotations = {
    ...pod.metadata!.annotations,
    [networksAnnotation]: JSON.stringify(requests),
  };
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
  jig: PodJig,
  pod: string,
): Promise<Record<string, string[]>> {
  const result = await jig.exec(pod, ['ip', '-o', 'addr', 'show']);
  if (result.exitCode !== 0)
    throw new Error(`ip -o addr show failed in ${pod}: ${result.stderr.trim()}`);
  return parseIpAddr(result.stdout);
}

/**
 * Pods that show non-default attachments in their network-status but did not
 * request them through the networks annotation or a container resource request
 * (of an extended resource, as SR-IOV attachments are requested).
 */
export function unrequestedAttachments(
  pods: readonly V1Pod[],
  isExtended: (resource: string) => boolean,
): { pod: string; attachments: string[] }[] {
  const found: { pod: string; attachments: string[] }[] = [];
  for (const pod of pods) {
    const extra = networkStatusOf(pod).filter((s) => !s.default);
    if (extra.length === 0) continue;
    const annotated = Boolean(pod.metadata?.annotations?.[networksAnnotation]);
    const requestsDevice = (pod.spec?.containers ?? []).some((c) =>
      Object.keys({ ...c.resources?.requests, ...c.resources?.limits }).some(isExtended),
    );
    if (!annotated && !requestsDevice)
      found.push({
        pod: `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`,
        attachments: extra.map((s) => `${s.name}${s.interface ? ` (${s.interface})` : ''}`),
      });
  }
  return found;
}
