/**
 * Per-node probes on clusters of any size: by default one node per group of
 * nodes that should look alike (profile, zone, instance type, role), every
 * node with --all-nodes; the per-node work runs a bounded number at a time, so
 * 1,000 nodes neither run one after another inside one check's deadline nor
 * start 1,000 pods at once.
 */
import type { V1Node } from '@kubernetes/client-node';
import {
  isControlPlane,
  isVirtualNode,
  nodeName,
  probeableNodes,
  virtualNodesLeftOut,
  zoneOf,
} from '../k8s/nodes.js';

export const instanceTypeLabel = 'node.kubernetes.io/instance-type';

/** How many per-node probes run at once. */
export const defaultProbeConcurrency = 8;

export interface NodeSample {
  /** The nodes to probe, in name order. */
  nodes: V1Node[];
  /** How many nodes the sample was drawn from. */
  total: number;
  /** Each probed node and the group it stands for. */
  groups: { node: string; group: string }[];
  /** One sentence for the evidence: what was sampled and how to cover every node. */
  note: string;
}

export interface SampleOptions {
  /** Probe every node (--all-nodes). */
  allNodes: boolean;
  /** The node's Anuket profile ("" when unlabelled); the suite knows the profile labels. */
  profileOf?: (node: V1Node) => string;
}

/** The group a node stands in for: profile, zone, instance type (when labelled) and role. */
export function sampleGroupOf(node: V1Node, profileOf?: (node: V1Node) => string): string {
  const parts = [
    `role=${isControlPlane(node) ? 'control-plane' : 'worker'}`,
    profileOf?.(node) ? `profile=${profileOf(node)}` : '',
    zoneOf(node) ? `zone=${zoneOf(node)}` : '',
    node.metadata?.labels?.[instanceTypeLabel]
      ? `instance-type=${node.metadata.labels[instanceTypeLabel]}`
      : '',
  ];
  return parts.filter(Boolean).join(',');
}

/** One node per group (the first by name), or every node when `allNodes`. */
export function sampleNodes(nodes: readonly V1Node[], options: SampleOptions): NodeSample {
  // Virtual nodes (KWOK, virtual-kubelet) run no pod for real: never a probe target.
  const virtual = nodes.filter(isVirtualNode).length;
  const sorted = probeableNodes(nodes).sort((a, b) => nodeName(a).localeCompare(nodeName(b)));
  const seen = new Set<string>();
  const picked: V1Node[] = [];
  const groups: { node: string; group: string }[] = [];
  for (const node of sorted) {
    const group = sampleGroupOf(node, options.profileOf);
    if (!options.allNodes && seen.has(group)) continue;
    seen.add(group);
    picked.push(node);
    groups.push({ node: nodeName(node), group });
  }
  const skipped = virtual > 0 ? `; ${virtualNodesLeftOut(virtual)}` : '';
  const note = options.allNodes
    ? `probed all ${picked.length} node(s) (--all-nodes)${skipped}`
    : `sampled ${picked.length} of ${sorted.length} node(s): one per role/profile/zone/instance-type; --all-nodes covers every node${skipped}`;
  return { nodes: picked, total: sorted.length, groups, note };
}
