/**
 * RA2 ra2.ch.001's rules on huge pages: a network-intensive node exposes both
 * sizes as schedulable resources, and a pod that requests them can map a page
 * of each.
 */
import type { V1Node } from '@kubernetes/client-node';
import { fail, pass, type Evidence, type Verdict } from '../../helpers/framework/result.js';
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

/**
 * The probe's verdict, once every network-intensive worker advertises both
 * sizes: the pod on `node` must have mapped a page of each size.
 */
export function judgeHugePageUse(
  node: string,
  uses: readonly HugePageUse[],
  sizes: readonly HugePageSize[],
  evidence: Evidence = {},
): Verdict {
  const all = { ...evidence, probe: { node, uses } };
  const unused = uses.filter((u, i) => !hugePageUsed(u, sizes[i]!));
  if (unused.length === 0 && uses.length === sizes.length)
    return pass(
      `every network-intensive worker exposes both sizes; a pod on ${node} mapped a 2Mi and a 1Gi page (cgroup usage ${uses.map((u) => u.cgroupUsageBytes ?? 'unreadable').join(', ')})`,
      all,
    );
  return fail(
    'a pod to map one page of each size in its HugePages emptyDir',
    unused
      .map(
        (u) =>
          `${u.size}: mounted=${u.mounted}, allocated ${u.allocatedBytes} bytes${u.error ? `, ${u.error}` : ''}`,
      )
      .join('; ') || `the probe reported ${uses.length} of ${sizes.length} sizes`,
    all,
  );
}
