/** ra2.ch.010 and ra2.ch.012: a capacity the kubelet reports, on every node, against RA2's minimum. */
import type { V1Node } from '@kubernetes/client-node';
import { fail, pass, skip } from '../../helpers/framework/result.js';
import { nodeName } from '../../helpers/k8s/nodes.js';
import { formatBytes, parseQuantity } from '../../helpers/k8s/quantity.js';

/** RA2 writes decimal units ("320GB", "32GB"); bytes are compared with 10^9 multiples. */
export const minEphemeralStorageBytes = 320e9;
export const minMemoryBytes = 32e9;

export function capacityAtLeast(
  nodes: readonly V1Node[],
  resource: string,
  minimumBytes: number,
  what: string,
) {
  const measured = nodes.map((node) => {
    const quantity = node.status?.capacity?.[resource];
    const bytes = quantity === undefined ? 0 : parseQuantity(quantity);
    return {
      node: nodeName(node),
      capacity: quantity ?? 'not reported',
      bytes,
      readable: formatBytes(bytes),
    };
  });
  const short = measured.filter((m) => m.bytes < minimumBytes);
  const evidence = { minimum: formatBytes(minimumBytes), nodes: measured };
  if (measured.length === 0) return skip('nothing to judge: the cluster lists no nodes', evidence);
  return short.length === 0
    ? pass(`every node has at least ${formatBytes(minimumBytes)} of ${what}`, evidence)
    : fail(
        `every node to have ${resource} capacity of at least ${formatBytes(minimumBytes)}`,
        short.map((m) => `${m.node}: ${m.readable}`).join('; '),
        evidence,
      );
}
