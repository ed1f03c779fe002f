/** Node selection by role, label and zone. Observes only; suites assert. */
import type { CoreV1Api, V1Node } from '@kubernetes/client-node';

export const controlPlaneRoleLabel = 'node-role.kubernetes.io/control-plane';
export const zoneLabel = 'topology.kubernetes.io/zone';

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

/**
 * Nodes that no kubelet backs: KWOK's simulated nodes and virtual-kubelet nodes (serverless
 * pools, bursting connectors). They count as nodes of the cluster for inspect rows, but a probe
 * pod bound to one never really runs, so probes are placed on the other nodes only.
 */
export function isVirtualNode(node: V1Node): boolean {
  const labels = node.metadata?.labels ?? {};
  return (
    node.metadata?.annotations?.['kwok.x-k8s.io/node'] !== undefined ||
    labels['type'] === 'virtual-kubelet' ||
    (node.spec?.taints ?? []).some((t) => t.key === 'virtual-kubelet.io/provider')
  );
}

/** The nodes a probe pod can really run on: every node but the virtual ones. */
export function probeableNodes(nodes: readonly V1Node[]): V1Node[] {
  return nodes.filter((node) => !isVirtualNode(node));
}
