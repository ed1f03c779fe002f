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
  hugePageScript,
  hugePageSizes,
  hugePagesOf,
  hugePageUsed,
  mountPathOf,
  nodesLacking,
  parseHugePageReport,
} from '../helpers/probes/hugepages.js';
import { tryConnect } from '../helpers/probes/netexec.js';
import { PodJig, sleeperPod } from '../helpers/probes/pod.js';
import { hostnameOf, pinToNode, spreadWorkers } from '../helpers/probes/pod-network.js';
import { tryStart } from '../helpers/probes/pod-start.js';
import { defineSuite } from '../helpers/framework/registry.js';
import { hasProfile } from '../catalog/profiles.js';
import { isReady, listNodes, nodeName, workers } from '../helpers/k8s/nodes.js';
import { formatBytes, parseQuantity } from '../helpers/k8s/quantity.js';
import { fail, pass, skip } from '../helpers/framework/result.js';
import {
  parseVirtualisationReport,
  virtualisationScript,
} from '../helpers/probes/virtualisation.js';
import { sriovAdvertised } from './networking.js';

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
  spec('ra2.ch.001', { kind: 'probe' }, async (ctx) => {
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
    const jig = await PodJig.inCheckNamespace(ctx);
    const started = await tryStart(jig, sleeperPod(ctx, 'hugepages'), (pod) => {
      pinToNode(pod, hostnameOf(target));
      pod.spec!.securityContext = { ...pod.spec!.securityContext, fsGroup: 65534 };
      const container = pod.spec!.containers[0]!;
      const amounts = { memory: '64Mi', 'hugepages-2Mi': '2Mi', 'hugepages-1Gi': '1Gi' };
      container.resources = { requests: amounts, limits: amounts };
      pod.spec!.volumes = hugePageSizes.map((size) => ({
        name: size.resource,
        emptyDir: { medium: size.medium },
      }));
      container.volumeMounts = hugePageSizes.map((size) => ({
        name: size.resource,
        mountPath: mountPathOf(size),
      }));
    });
    if (!started.started)
      return fail('a pod requesting hugepages-2Mi and hugepages-1Gi to run', started.reason, {
        ...evidence,
        pod: started.described,
      });
    const result = await jig.exec('hugepages', ['sh', '-c', hugePageScript(hugePageSizes)]);
    const uses = parseHugePageReport(result.stdout, hugePageSizes);
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
  });
  spec('ra2.ch.002', { kind: 'attest' });
  // VFs created in the node OS are what the SR-IOV device plugin advertises;
  // a VF nobody advertises cannot be observed from the API.
  spec('ra2.ch.003', { kind: 'inspect' }, async (ctx) =>
    sriovAdvertised(
      ctx,
      'SR-IOV VFs configured on every worker, advertised by the SR-IOV device plugin',
    ),
  );
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

  // Allocated: each node reports an InternalIP of each family. Routable: a pod
  // on the pod network reaches each of those addresses (the kubelet port),
  // which a link-local or unrouted address would not allow.
  spec('ra2.ch.007', { kind: 'probe' }, async (ctx) => {
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
    if (nodes.length === 0) return fail('nodes with IPv4 and IPv6 addresses', 'no nodes', evidence);
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
    const jig = await PodJig.inCheckNamespace(ctx);
    const started = await tryStart(jig, sleeperPod(ctx, 'router'), (pod) =>
      pinToNode(pod, hostnameOf(from)),
    );
    if (!started.started)
      return fail('the probe pod to start', started.reason, {
        ...evidence,
        pod: started.described,
      });
    const attempts = [];
    for (const a of addresses)
      for (const ip of [a.ipv4[0]!, a.ipv6[0]!])
        attempts.push({ node: a.node, ...(await tryConnect(jig, 'router', ip, a.kubeletPort)) });
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
  });
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

  // Whether a node is a VM is decided by what a process on it sees: the
  // hypervisor CPU flag or a hypervisor's DMI vendor. Only VM nodes are held to
  // 16 vCPUs (their capacity.cpu counts vCPUs).
  spec('ra2.ch.011', { kind: 'probe' }, async (ctx) => {
    const nodes = (await listNodes(ctx.cluster.core)).filter(
      (n) => isReady(n) && !n.spec?.unschedulable,
    );
    const jig = await PodJig.inCheckNamespace(ctx);
    const observed = [];
    for (const [i, node] of nodes.entries()) {
      const name = `cpu-${i}`;
      const started = await tryStart(jig, sleeperPod(ctx, name), (pod) => {
        pinToNode(pod, hostnameOf(node));
        pod.spec!.tolerations = [{ operator: 'Exists' }];
      });
      if (!started.started)
        return fail(`a probe pod on ${nodeName(node)} to start`, started.reason, {
          pod: started.described,
        });
      const report = parseVirtualisationReport(
        (await jig.exec(name, ['sh', '-c', virtualisationScript])).stdout,
      );
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
      return skip(
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
  });

  spec('ra2.ch.012', { kind: 'inspect' }, async (ctx) => {
    return capacityAtLeast(await listNodes(ctx.cluster.core), 'memory', minMemoryBytes, 'RAM');
  });

  spec('ra2.ch.013', { kind: 'attest' });
  spec('ra2.ch.014', { kind: 'attest' });
  spec('ra2.ch.015', { kind: 'attest' });
  spec('ra2.ch.016', { kind: 'attest' });
  // Immutability is about how nodes are changed over time (new instances,
  // not in-place changes): a single observation cannot show it.
  spec('ra2.ch.017', { kind: 'attest' });

  // NFD is "used" when its labels are on every worker and its daemons run.
  spec('ra2.ch.018', { kind: 'inspect' }, async (ctx) => {
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
  });
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
