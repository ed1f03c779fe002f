/**
 * 4.2 Kubernetes Node.
 *
 * What a node's API object reports (capacity, allocatable, the pods bound to
 * it) is read through the API; what only the hardware knows (BIOS, sockets,
 * NICs, PCIe, SSDs) is attested by the operator. Nothing here schedules pods:
 * node facts are best read where the kubelet publishes them.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { defineSuite } from '../helpers/registry.js';
import { listNodes, nodeName } from '../helpers/nodes.js';
import { formatBytes, parseQuantity } from '../helpers/quantity.js';
import { fail, pass } from '../helpers/verdict.js';

/** RA2 writes decimal units ("320GB", "32GB"); we compare bytes to 10^9 multiples. */
const minEphemeralStorageBytes = 320e9;
const minMemoryBytes = 32e9;

export default defineSuite('node', (spec) => {
  spec.todo('ra2.ch.001', { kind: 'probe' });
  spec('ra2.ch.002', { kind: 'attest' });
  spec.todo('ra2.ch.003', { kind: 'inspect' });
  spec('ra2.ch.004', { kind: 'attest' });
  spec('ra2.ch.005', { kind: 'attest' });

  spec('ra2.ch.006', { kind: 'inspect' }, async (ctx) => {
    const nodes = await listNodes(ctx.cluster.core);
    const pods = (
      await ctx.cluster.core.listPodForAllNamespaces({
        fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed',
      })
    ).items;
    const perNode = nodes.map((node) => cpuCommitment(node, pods));
    const over = perNode.filter((n) => !(n.requests < n.allocatable && n.limits < n.allocatable));
    const evidence = { nodes: perNode };
    return over.length === 0
      ? pass(
          `CPU requests and limits stay below allocatable CPU on all ${perNode.length} nodes`,
          evidence,
        )
      : fail(
          'on every node, sum of CPU requests < allocatable cpu and sum of CPU limits < allocatable cpu',
          over
            .map(
              (n) =>
                `${n.node}: requests ${n.requests}, limits ${n.limits}, allocatable ${n.allocatable}`,
            )
            .join('; '),
          evidence,
        );
  });

  spec.todo('ra2.ch.007', { kind: 'inspect' });
  spec('ra2.ch.008', { kind: 'attest' });
  spec('ra2.ch.009', { kind: 'attest' });

  spec('ra2.ch.010', { kind: 'inspect' }, async (ctx) => {
    return capacityAtLeast(
      await listNodes(ctx.cluster.core),
      'ephemeral-storage',
      minEphemeralStorageBytes,
      'local filesystem capacity',
    );
  });

  spec.todo('ra2.ch.011', { kind: 'inspect' });

  spec('ra2.ch.012', { kind: 'inspect' }, async (ctx) => {
    return capacityAtLeast(await listNodes(ctx.cluster.core), 'memory', minMemoryBytes, 'RAM');
  });

  spec('ra2.ch.013', { kind: 'attest' });
  spec('ra2.ch.014', { kind: 'attest' });
  spec('ra2.ch.015', { kind: 'attest' });
  spec('ra2.ch.016', { kind: 'attest' });
  spec('ra2.ch.017', { kind: 'attest' });
  spec.todo('ra2.ch.018', { kind: 'inspect' });
});

interface CpuCommitment {
  node: string;
  /** in cores */
  requests: number;
  limits: number;
  allocatable: number;
  pods: number;
}

/** Sums the CPU requests and limits that the containers of pods bound to `node` declare. */
export function cpuCommitment(node: V1Node, pods: readonly V1Pod[]): CpuCommitment {
  const name = nodeName(node);
  const bound = pods.filter((pod) => pod.spec?.nodeName === name);
  let requests = 0;
  let limits = 0;
  for (const pod of bound) {
    for (const container of pod.spec?.containers ?? []) {
      requests += parseQuantity(container.resources?.requests?.cpu ?? '0');
      limits += parseQuantity(container.resources?.limits?.cpu ?? '0');
    }
  }
  const round = (n: number) => Math.round(n * 1000) / 1000;
  return {
    node: name,
    requests: round(requests),
    limits: round(limits),
    allocatable: parseQuantity(node.status?.allocatable?.cpu ?? '0'),
    pods: bound.length,
  };
}

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
  return short.length === 0 && measured.length > 0
    ? pass(`every node has at least ${formatBytes(minimumBytes)} of ${what}`, evidence)
    : fail(
        `every node to have ${resource} capacity of at least ${formatBytes(minimumBytes)}`,
        short.length === 0 ? 'no nodes' : short.map((m) => `${m.node}: ${m.readable}`).join('; '),
        evidence,
      );
}
