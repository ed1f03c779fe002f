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

/** How many virtual node names a verdict's evidence lists; the count is always whole. */
const virtualNamesShown = 10;

/**
 * Nodes for a row that judges kubelets, runtimes or reservations: the kubelet-backed
 * ones are judged; virtual ones report their simulator's or provider's values (kubelet
 * "kwok", allocatable equal to capacity), so they are left out and counted, never passed.
 */
export interface JudgedNodes {
  judged: V1Node[];
  /** Evidence of what was left out; undefined when no node is virtual. */
  virtualLeftOut?: { count: number; names: string[] };
  /** "; N virtual node(s) ... left out", or "" when none: appended to a verdict's message. */
  note: string;
  /** Why nothing can be judged when every listed node is virtual; undefined otherwise. */
  onlyVirtual?: string;
}

export function leaveOutVirtualNodes(nodes: readonly V1Node[]): JudgedNodes {
  const virtual = nodes.filter(isVirtualNode);
  const judged = probeableNodes(nodes);
  if (virtual.length === 0) return { judged, note: '' };
  const names = virtual.map(nodeName).sort();
  return {
    judged,
    virtualLeftOut: { count: virtual.length, names: names.slice(0, virtualNamesShown) },
    note: `; ${virtualNodesLeftOut(virtual.length)}`,
    ...(judged.length === 0 && {
      onlyVirtual: `all ${nodes.length} nodes are virtual (KWOK/virtual-kubelet), none backed by a kubelet`,
    }),
  };
}

/** The phrase every row uses for the virtual nodes it did not judge or probe. */
export function virtualNodesLeftOut(count: number): string {
  return `${count} virtual node(s) (KWOK/virtual-kubelet) left out`;
}
