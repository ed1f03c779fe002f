/** Node selection by role, label and zone. Observes only; suites assert. */
import type { CoreV1Api, V1Node } from '@kubernetes/client-node';
import type { Profile } from '../catalog/types.js';

export const controlPlaneRoleLabel = 'node-role.kubernetes.io/control-plane';
export const zoneLabel = 'topology.kubernetes.io/zone';
/**
 * RA2 (ra2.k8s.011) names the profile labels anuket.io/profile/basic and
 * anuket.io/profile/network-intensive, but a label key may contain one '/' only,
 * so the API server rejects them. The suite reads the nearest valid keys:
 * anuket.io/profile-basic and anuket.io/profile-network-intensive.
 */
export const anuketProfileLabel = (profile: Profile): string => `anuket.io/profile-${profile}`;
export const networkIntensiveLabel = anuketProfileLabel('network-intensive');

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
  const labelled = nodes
    .filter((n) => hasLabels(n, { [networkIntensiveLabel]: 'true' }))
    .map(nodeName);
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
