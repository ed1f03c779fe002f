/** Which nodes a row is about, by the Anuket profile labels on them. */
import type { V1Node } from '@kubernetes/client-node';
import { hasProfile } from '../../catalog/profiles.js';
import { workers } from '../../helpers/k8s/nodes.js';

/** The node's Anuket profile label, for sampling one node per profile. */
export function profileLabelOf(node: V1Node): string {
  if (hasProfile(node, 'network-intensive')) return 'network-intensive';
  return hasProfile(node, 'basic') ? 'basic' : '';
}

/** The nodes that host network-intensive workloads: labelled workers, else every worker. */
export function networkIntensiveWorkers(nodes: readonly V1Node[]): V1Node[] {
  const all = workers(nodes);
  const labelled = all.filter((n) => hasProfile(n, 'network-intensive'));
  return labelled.length > 0 ? labelled : all;
}

/** The nodes for basic workloads: labelled workers, else workers not labelled network-intensive. */
export function basicWorkers(nodes: readonly V1Node[]): V1Node[] {
  const all = workers(nodes);
  const labelled = all.filter((n) => hasProfile(n, 'basic'));
  if (labelled.length > 0) return labelled;
  const others = all.filter((n) => !hasProfile(n, 'network-intensive'));
  return others.length > 0 ? others : all;
}
