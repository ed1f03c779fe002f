/**
 * RA2 ra2.ch.001's rules on huge pages: a network-intensive node exposes both
 * sizes as schedulable resources, and a pod that requests them can map a page
 * of each.
 */
import type { V1Node } from '@kubernetes/client-node';
import { nodeName } from '../../helpers/k8s/nodes.js';
import {
  hugePagesOf,
  type HugePageSize,
  type HugePageUse,
} from '../../helpers/probes/hugepages.js';

/** The page was mapped: the file has the page's size, and the cgroup charged at least one page. */
export function hugePageUsed(use: HugePageUse, size: HugePageSize): boolean {
  return (
    use.mounted &&
    use.allocatedBytes >= size.bytes &&
    (use.cgroupUsageBytes === null || use.cgroupUsageBytes >= size.bytes)
  );
}

/** Nodes on which some size has no allocatable huge pages. */
export function nodesLacking(nodes: readonly V1Node[]): string[] {
  return nodes.filter((n) => Object.values(hugePagesOf(n)).some((v) => v <= 0)).map(nodeName);
}
