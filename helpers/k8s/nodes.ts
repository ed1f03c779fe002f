/** Node selection by role, label and zone. Observes only; suites assert. */
import type { CoreV1Api, V1Node } from '@kubernetes/client-node';
import type { Profile } from '../../catalog/types.js';
import { hasProfile, profileLabelKeys } from '../../catalog/profiles.js';

export const controlPlaneRoleLabel = 'node-role.kubernetes.io/control-plane';
export const zoneLabel = 'topology.kubernetes.io/zone';
/** The label key that marks a network-intensive node (see anuket-profiles.ts for why this spelling). */
export const networkIntensiveLabel = profileLabelKeys('network-intensive')[0]!;

export async function listNodes(core: CoreV1Api, labelSelector?: string): Promise<V1Node[]> {
  return (await core.listNode(labelSelector ? { labelSelector } : {})).items;
}

export function isControlPlane(node: V1Node): boolean {
  return node.metadata?.labels?.[controlPlaneRoleLabel] !== undefined;
}

/** Workers are the nodes without the control-plane role label. */
export function workers(nodes: readonly V1Node[]): V1Node[] {
  return nodes.filter((node) => !isControlPlane(node));
}

export function controlPlanes(nodes: readonly V1Node[]): V1Node[] {
  return nodes.filter(isControlPlane);
}

export function hasLabels(node: V1Node, labels: Record<string, string>): boolean {
  return Object.entries(labels).every(([key, value]) => node.metadata?.labels?.[key] === value);
}

export function nodeName(node: V1Node): string {
  return node.metadata?.name ?? '<unnamed>';
}

export function isReady(node: V1Node): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/** Zone of a node, or undefined when it carries no zone label. */
export function zoneOf(node: V1Node): string | undefined {
  return node.metadata?.labels?.[zoneLabel];
}

/** zone -> node names; nodes without a zone label are grouped under "" */
export function nodesByZone(nodes: readonly V1Node[]): Map<string, string[]> {
  const zones = new Map<string, string[]>();
  for (const node of nodes) {
    const zone = zoneOf(node) ?? '';
    zones.set(zone, [...(zones.get(zone) ?? []), nodeName(node)]);
  }
  return zones;
}

/** --profile auto: network-intensive if any node is labelled for it. */
export function profileOfNodes(nodes: readonly V1Node[]): { profile: Profile; reason: string } {
  const labelled = nodes.filter((n) => hasProfile(n, 'network-intensive')).map(nodeName);
  return labelled.length > 0
    ? {
        profile: 'network-intensive',
        reason: `${networkIntensiveLabel}=true on ${labelled.join(', ')}`,
      }
    : { profile: 'basic', reason: `no node has ${networkIntensiveLabel}=true` };
}

export async function resolveProfile(
  core: CoreV1Api,
): Promise<{ profile: Profile; reason: string }> {
  return profileOfNodes(await listNodes(core));
}
