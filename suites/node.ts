/**
 * 4.2 Kubernetes Node.
 *
 * What a node's API object reports (capacity, allocatable, the pods bound to
 * it, labels) is read through the API; what only the hardware knows (BIOS,
 * sockets, NICs, PCIe, SSDs) is attested by the operator. Pods are scheduled
 * only where a behaviour is claimed: huge pages must be usable by a pod, node
 * addresses must be routable (reached from the pod network), and whether a
 * node is a VM is what its CPU tells a process (the hypervisor flag).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { servedResource } from '../helpers/k8s/api-resources.js';
import { findComponentPods, formatComponentPod, running } from '../helpers/k8s/components.js';
import {
  hugePageSizes,
  hugePagesOf,
  mapHugePages,
  mountHugePages,
} from '../helpers/probes/hugepages.js';
import { tryConnect } from '../helpers/probes/netexec.js';
import { sleeperPod } from '../helpers/probes/pod.js';
import { spreadWorkers } from '../helpers/probes/pod-network.js';
import { pinToNode, withResources } from '../helpers/probes/tweaks.js';
import { defineSuite } from '../helpers/framework/registry.js';
import { hasProfile } from '../catalog/profiles.js';
import { isReady, listNodes, nodeName, workers } from '../helpers/k8s/nodes.js';
import { formatBytes, parseQuantity } from '../helpers/k8s/quantity.js';
import { fail, notApplicable, pass, skip } from '../helpers/framework/result.js';
import { machineProbePod, readMachine } from '../helpers/probes/virtualisation.js';
import { hugePageUsed, nodesLacking } from './rules/hugepages.js';
import { mustStart } from '../helpers/framework/preconditions.js';
import { sriovAdvertised, sriovObserves } from './rules/networking-sriov.js';
import { judgeVirtualisation } from './rules/node-virtualisation.js';

/** RA2 writes decimal units ("320GB", "32GB"); we compare bytes to 10^9 multiples. */
const minEphemeralStorageBytes = 320e9;
const minMemoryBytes = 32e9;
const minVcpus = 16;
const nfdLabelPrefix = 'feature.node.kubernetes.io/';

/** The nodes that host network-intensive workloads: labelled workers, else every worker. */
function networkIntensiveWorkers(nodes: readonly V1Node[]): V1Node[] {
  const all = workers(nodes);
  const labelled = all.filter((n) => hasProfile(n, 'network-intensive'));
  return labelled.length > 0 ? labelled : all;
}

export default defineSuite('node', (spec) => {
  spec(
    'ra2.ch.001',
    {
      kind: 'probe',
      observes:
        'Reads allocatable hugepages-2Mi and hugepages-1Gi on the network-intensive workers (those labelled for the profile, else every worker), then starts a pod requesting both sizes on the first of them, which fallocates one page of each size in a HugePages emptyDir and reads its hugetlb cgroup usage.',
    },
    async (ctx) => {
      const nodes = networkIntensiveWorkers(await listNodes(ctx.cluster.core));
      const advertised = Object.fromEntries(nodes.map((n) => [nodeName(n), hugePagesOf(n)]));
      const lacking = nodesLacking(nodes);
      const evidence: Record<string, unknown> = { allocatableByNode: advertised };
      if (nodes.length === 0)
        return fail(
          'worker nodes exposing hugepages-2Mi and hugepages-1Gi',
          'no worker nodes',
          evidence,
        );
      if (lacking.length > 0)
        return fail(
          'schedulable hugepages-2Mi and hugepages-1Gi (allocatable > 0) on the nodes for network-intensive workloads',
          lacking.map((n) => `${n}: ${JSON.stringify(advertised[n])}`).join('; '),
          evidence,
        );
      // Both sizes are advertised everywhere: a pod on the first node maps a page of each.
      const target = nodes[0]!;
      const ns = await ctx.ns();
      await mustStart(
        ns.pods.tryStart(
          sleeperPod(ctx, 'hugepages'),
          pinToNode(target),
          mountHugePages(hugePageSizes),
          withResources({ memory: '64Mi', 'hugepages-2Mi': '2Mi', 'hugepages-1Gi': '1Gi' }),
        ),
        'a pod requesting hugepages-2Mi and hugepages-1Gi to run',
        evidence,
      );
      const uses = await mapHugePages(ns.pods, 'hugepages', hugePageSizes);
      evidence.probe = { node: nodeName(target), uses };
      const unused = uses.filter((u, i) => !hugePageUsed(u, hugePageSizes[i]!));
      return unused.length === 0
        ? pass(
            `every network-intensive worker exposes both sizes; a pod on ${nodeName(target)} mapped a 2Mi and a 1Gi page (cgroup usage ${uses.map((u) => u.cgroupUsageBytes ?? 'unreadable').join(', ')})`,
            evidence,
          )
        : fail(
            'a pod to map one page of each size in its HugePages emptyDir',
            unused
              .map(
                (u) =>
                  `${u.size}: mounted=${u.mounted}, allocated ${u.allocatedBytes} bytes${u.error ? `, ${u.error}` : ''}`,
              )
              .join('; '),
            evidence,
          );
    },
  );
  spec('ra2.ch.002', { kind: 'attest' });
  // VFs created in the node OS are what the SR-IOV device plugin advertises;
  // a VF nobody advertises cannot be observed from the API.
  spec('ra2.ch.003', { kind: 'inspect', observes: sriovObserves }, async (ctx) =>
    sriovAdvertised(
      ctx,
      'SR-IOV VFs configured on every worker, advertised by the SR-IOV device plugin',
    ),
  );
  spec('ra2.ch.004', { kind: 'attest' });
  spec('ra2.ch.005', { kind: 'attest' });

  spec(
    'ra2.ch.006',
    {
      kind: 'inspect',
      observes:
        'Sums, per node, the CPU requests and the CPU limits of the containers of every pod bound to it that has not ended, and compares each sum with the node’s allocatable CPU; the vCPU to physical core ratio itself is not visible.',
    },
    async (ctx) => {
      const nodes = await listNodes(ctx.cluster.core);
      const pods = (
        await ctx.cluster.core.listPodForAllNamespaces({
          fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed',
        })
      ).items;
      if (nodes.length === 0) return skip('nothing to judge: the API lists no node');
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
    },
  );

  // Allocated: each node reports an InternalIP of each family. Routable: a pod
  // on the pod network reaches each of those addresses (the kubelet port),
  // which a link-local or unrouted address would not allow.
  spec(
    'ra2.ch.007',
    {
      kind: 'probe',
      observes:
        'Reads each node’s InternalIP addresses for an IPv4 and an IPv6 one that is neither loopback nor link-local, then opens a TCP connection to each node’s kubelet port on both from a pod on a worker.',
    },
    async (ctx) => {
      const nodes = await listNodes(ctx.cluster.core);
      const addresses = nodes.map((n) => {
        const internal = (n.status?.addresses ?? [])
          .filter((a) => a.type === 'InternalIP')
          .map((a) => a.address);
        return {
          node: nodeName(n),
          ipv4: internal.filter(
            (ip) => isIPv4(ip) && !ip.startsWith('127.') && !ip.startsWith('169.254.'),
          ),
          ipv6: internal.filter((ip) => isIPv6(ip) && ip !== '::1' && !/^fe[89ab]/i.test(ip)),
          podCIDRs: n.spec?.podCIDRs ?? [],
          kubeletPort: n.status?.daemonEndpoints?.kubeletEndpoint?.Port ?? 10250,
        };
      });
      const evidence: Record<string, unknown> = { nodes: addresses };
      const single = addresses.filter((a) => a.ipv4.length === 0 || a.ipv6.length === 0);
      if (nodes.length === 0)
        return fail('nodes with IPv4 and IPv6 addresses', 'no nodes', evidence);
      if (single.length > 0)
        return fail(
          'every node to have a routable IPv4 and IPv6 InternalIP',
          single
            .map(
              (a) =>
                `${a.node}: IPv4 ${a.ipv4.join(',') || 'none'}, IPv6 ${a.ipv6.join(',') || 'none'}`,
            )
            .join('; '),
          evidence,
        );
      const from = spreadWorkers(nodes)[0];
      if (!from) return skip('needs a schedulable worker for the routing probe', evidence);
      const ns = await ctx.ns();
      await mustStart(
        ns.pods.tryStart(sleeperPod(ctx, 'router'), pinToNode(from)),
        'the probe pod to start',
        evidence,
      );
      const attempts = [];
      for (const a of addresses)
        for (const ip of [a.ipv4[0]!, a.ipv6[0]!])
          attempts.push({
            node: a.node,
            ...(await tryConnect(ns.pods, 'router', ip, a.kubeletPort)),
          });
      evidence.probeFrom = nodeName(from);
      evidence.attempts = attempts.map(
        (a) => `${a.node} ${a.target}: ${a.reachable ? 'reached' : a.detail}`,
      );
      const unreached = attempts.filter((a) => !a.reachable);
      return unreached.length === 0
        ? pass(
            `all ${nodes.length} nodes have an IPv4 and an IPv6 InternalIP, each reached from a pod on ${nodeName(from)}`,
            evidence,
          )
        : fail(
            'every node address routable from the pod network',
            unreached.map((a) => `${a.node} ${a.target}: ${a.detail}`).join('; '),
            evidence,
          );
    },
  );
  spec('ra2.ch.008', { kind: 'attest' });
  spec('ra2.ch.009', { kind: 'attest' });

  spec(
    'ra2.ch.010',
    {
      kind: 'inspect',
      observes:
        'Reads each node’s capacity.ephemeral-storage (the size of the kubelet’s root filesystem as the kubelet reports it) and compares it with 320 GB.',
    },
    async (ctx) =>
      capacityAtLeast(
        await listNodes(ctx.cluster.core),
        'ephemeral-storage',
        minEphemeralStorageBytes,
        'local filesystem capacity',
      ),
  );

  // Whether a node is a VM is decided by what a process on it sees: the
  // hypervisor CPU flag or a hypervisor's DMI vendor. Only VM nodes are held to
  // 16 vCPUs (their capacity.cpu counts vCPUs).
  spec(
    'ra2.ch.011',
    {
      kind: 'probe',
      observes:
        'Starts a pod on every ready, schedulable node that reads the hypervisor CPU flag and the DMI vendor and product; on the nodes that show a hypervisor, compares capacity.cpu (the vCPUs) with 16.',
    },
    async (ctx) => {
      const nodes = (await listNodes(ctx.cluster.core)).filter(
        (n) => isReady(n) && !n.spec?.unschedulable,
      );
      const ns = await ctx.ns();
      const observed = [];
      for (const [i, node] of nodes.entries()) {
        const name = `cpu-${i}`;
        await mustStart(
          ns.pods.tryStart(machineProbePod(ctx, name, node)),
          `a probe pod on ${nodeName(node)} to start`,
        );
        const report = judgeVirtualisation(await readMachine(ns.pods, name));
        observed.push({
          node: nodeName(node),
          ...report,
          vcpus: parseQuantity(node.status?.capacity?.cpu ?? '0'),
        });
      }
      const vms = observed.filter((o) => o.virtualMachine);
      const short = vms.filter((o) => o.vcpus < minVcpus);
      const evidence = { minimum: minVcpus, nodes: observed };
      if (vms.length === 0)
        return notApplicable(
          'applies if the nodes are VMs; no node shows a hypervisor (CPU flag or DMI vendor)',
          evidence,
        );
      return short.length === 0
        ? pass(`all ${vms.length} VM node(s) have at least ${minVcpus} vCPUs`, evidence)
        : fail(
            `every VM node to have at least ${minVcpus} vCPUs`,
            short.map((o) => `${o.node}: ${o.vcpus} vCPUs (${o.evidence})`).join('; '),
            evidence,
          );
    },
  );

  spec(
    'ra2.ch.012',
    {
      kind: 'inspect',
      observes:
        'Reads each node’s capacity.memory as the kubelet reports it and compares it with 32 GB.',
    },
    async (ctx) =>
      capacityAtLeast(await listNodes(ctx.cluster.core), 'memory', minMemoryBytes, 'RAM'),
  );

  spec('ra2.ch.013', { kind: 'attest' });
  spec('ra2.ch.014', { kind: 'attest' });
  spec('ra2.ch.015', { kind: 'attest' });
  spec('ra2.ch.016', { kind: 'attest' });
  // Immutability is about how nodes are changed over time (new instances,
  // not in-place changes): a single observation cannot show it.
  spec('ra2.ch.017', { kind: 'attest' });

  // NFD is "used" when its labels are on every worker and its daemons run.
  spec(
    'ra2.ch.018',
    {
      kind: 'inspect',
      observes:
        'Counts the feature.node.kubernetes.io/ labels on each worker and looks for a running NFD pod (nfd-worker, nfd-master or nfd-gc, by name, owner, label or image); whether the labels describe the node’s capabilities is not checked.',
    },
    async (ctx) => {
      const nodes = await listNodes(ctx.cluster.core);
      const labelCounts = Object.fromEntries(
        nodes.map((n) => [
          nodeName(n),
          Object.keys(n.metadata?.labels ?? {}).filter((k) => k.startsWith(nfdLabelPrefix)).length,
        ]),
      );
      const pods = await findComponentPods(
        ctx.cluster.core,
        /nfd-(worker|master|gc)|node-feature-discovery/i,
      );
      const crd = await servedResource(ctx.cluster.kc, 'nfd.k8s-sigs.io', 'nodefeatures');
      const evidence = {
        featureLabelsPerNode: labelCounts,
        nfdPods: pods.map(formatComponentPod),
        nodeFeaturesServed: crd.served,
        note: 'control-plane nodes are reported but not required (NFD workers commonly do not tolerate them)',
      };
      const unlabelled = workers(nodes)
        .map(nodeName)
        .filter((n) => (labelCounts[n] ?? 0) === 0);
      const problems = [
        ...(unlabelled.length > 0
          ? [`no ${nfdLabelPrefix}* labels on ${unlabelled.join(', ')}`]
          : []),
        ...(pods.some(running) ? [] : ['no running nfd-worker/nfd-master pod']),
      ];
      return problems.length === 0
        ? pass(
            `every worker carries NFD feature labels (${workers(nodes)
              .map((n) => `${nodeName(n)}: ${labelCounts[nodeName(n)]}`)
              .join(', ')}); ${pods.filter(running).length} NFD pod(s) running`,
            evidence,
          )
        : fail(
            'Node Feature Discovery labelling every worker, its daemons running',
            problems.join('; '),
            evidence,
          );
    },
  );
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
