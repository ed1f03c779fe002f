/**
 * 4.2 Kubernetes Node.
 *
 * What a node's API object reports (capacity, allocatable, the pods bound to
 * it, labels) is read through the API. What the machine has (SR-IOV NICs, SMT,
 * sockets, SSDs, NIC ports and speeds) is read from the node's sysfs by one
 * probe pod per sampled node (node-hardware.ts) and judged on bare-metal nodes;
 * on VMs and container nodes it is not observable and an attestation stands
 * in; BIOS and PCIe slots are attested. Pods are scheduled only where a
 * behaviour is claimed: huge pages must be usable by a pod, node addresses must
 * be routable (reached from the pod network), and whether a node is a VM is
 * what its CPU tells a process (the hypervisor flag). Per-node probes run on a
 * sample (one node per role/profile/zone/instance-type; --all-nodes: every
 * node), a bounded number at a time.
 */
import { servedResource } from '../helpers/k8s/api-resources.js';
import { findComponentPods, formatComponentPod, running } from '../helpers/k8s/components.js';
import { notEnded } from '../helpers/k8s/inventory.js';
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
import { nodeName, workers } from '../helpers/k8s/nodes.js';
import { parseQuantity } from '../helpers/k8s/quantity.js';
import { fail, pass, skip } from '../helpers/framework/result.js';
import { judgeHugePageUse, nodesLacking } from './rules/hugepages.js';
import { mustStart } from '../helpers/framework/preconditions.js';
import { judgeSriovAdvertised, observeSriov, sriovObserves } from './rules/networking-sriov.js';
import { judgeVirtualisation, judgeVirtualNodeCpus } from './rules/node-virtualisation.js';
import { cpuCommitment, cpuLimitEnforcement, judgeCpuCommitment } from './rules/limits.js';
import { defineHardwareRows, hardwareProbe } from './node-hardware.js';
import { networkIntensiveWorkers, profileLabelOf } from './rules/node-groups.js';
import { mapBounded } from '../helpers/k8s/bounded.js';
import { defaultProbeConcurrency, sampleNodes } from '../helpers/probes/node-sample.js';
import { capacityAtLeast, minEphemeralStorageBytes, minMemoryBytes } from './rules/capacity.js';
import {
  judgeAddressFamilies,
  judgeAddressRouting,
  nodeAddresses,
} from './rules/node-dual-stack.js';

// Kept for the existing unit tests, which import them from the suite.
export { capacityAtLeast };
export { cpuCommitment } from './rules/limits.js';

const nfdLabelPrefix = 'feature.node.kubernetes.io/';

export default defineSuite('node', (spec) => {
  spec(
    'ra2.ch.001',
    {
      kind: 'probe',
      // Takes a scarce node resource (a device, a whole CPU, huge pages): alone, so
      // concurrent checks neither starve it nor change its verdict.
      exclusive: true,
      observes:
        'Reads allocatable hugepages-2Mi and hugepages-1Gi on the network-intensive workers (those labelled for the profile, else every worker), then starts a pod requesting both sizes on the first of them, which fallocates one page of each size in a HugePages emptyDir and reads its hugetlb cgroup usage.',
    },
    async (ctx) => {
      const nodes = networkIntensiveWorkers(await ctx.cluster.inventory.nodes());
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
      return judgeHugePageUse(nodeName(target), uses, hugePageSizes, evidence);
    },
  );
  // ch.002, 004, 008, 009, 013, 014, 015: one sysfs probe per sampled node (node-hardware.ts).
  defineHardwareRows(spec);
  // VFs created in the node OS are what the SR-IOV device plugin advertises;
  // a VF nobody advertises cannot be observed from the API.
  spec(
    'ra2.ch.003',
    {
      kind: 'inspect',
      observes: sriovObserves,
    },
    async (ctx) =>
      judgeSriovAdvertised(
        await observeSriov(ctx),
        'SR-IOV VFs configured on every network-intensive worker, advertised by the SR-IOV device plugin',
      ),
  );
  spec('ra2.ch.005', { kind: 'attest' });

  spec(
    'ra2.ch.006',
    {
      kind: 'inspect',
      observes:
        'Sums, per node, the effective CPU request and limit of every pod bound to it that has not ended (the larger of its largest init container, with the sidecars before it, and the sum of its containers and sidecars, plus the pod overhead; a container without a CPU limit makes the limit unbounded), and compares each sum with the node’s allocatable CPU; the LimitRanges with a default or maximum container CPU limit and the CPU ResourceQuotas are listed as evidence of enforcement; the vCPU to physical core ratio itself is not visible.',
    },
    async (ctx) => {
      const nodes = await ctx.cluster.inventory.nodes();
      const pods = (await ctx.cluster.inventory.pods()).filter(notEnded);
      // LimitRanges default every container's limit at admission, so the pods show their effect;
      // which ones exist, and the CPU quotas, are evidence of how the rule is enforced.
      return judgeCpuCommitment(
        nodes.map((node) => cpuCommitment(node, pods)),
        { enforcement: await cpuLimitEnforcement(ctx) },
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
      const nodes = await ctx.cluster.inventory.nodes();
      const addresses = nodes.map(nodeAddresses);
      const evidence: Record<string, unknown> = { nodes: addresses };
      const notDualStack = judgeAddressFamilies(addresses, evidence);
      if (notDualStack) return notDualStack;
      const from = spreadWorkers(nodes)[0];
      if (!from) return skip('needs a schedulable worker for the routing probe', evidence);
      const ns = await ctx.ns();
      await mustStart(
        ns.pods.tryStart(sleeperPod(ctx, 'router'), pinToNode(from)),
        'the probe pod to start',
        evidence,
      );
      // Addresses are read on every node; connections go to a sample (every node with --all-nodes).
      const sample = sampleNodes(nodes, { allNodes: ctx.allNodes, profileOf: profileLabelOf });
      const sampled = new Set(sample.groups.map((g) => g.node));
      const targets = addresses
        .filter((a) => sampled.has(a.node))
        .flatMap((a) => [a.ipv4[0]!, a.ipv6[0]!].map((ip) => ({ a, ip })));
      const attempts = await mapBounded(targets, defaultProbeConcurrency, async ({ a, ip }) => ({
        node: a.node,
        ...(await tryConnect(ns.pods, 'router', ip, a.kubeletPort)),
      }));
      evidence.sample = sample.note;
      evidence.probeFrom = nodeName(from);
      evidence.attempts = attempts.map(
        (a) => `${a.node} ${a.target}: ${a.reachable ? 'reached' : a.detail}`,
      );
      return judgeAddressRouting(
        attempts,
        {
          nodes: nodes.length,
          sampledNodes: sample.nodes.length,
          from: nodeName(from),
          sampleNote: sample.note,
        },
        evidence,
      );
    },
  );

  spec(
    'ra2.ch.010',
    {
      kind: 'inspect',
      observes:
        'Reads each node’s capacity.ephemeral-storage (the size of the kubelet’s root filesystem as the kubelet reports it) and compares it with 320 GB.',
    },
    async (ctx) =>
      capacityAtLeast(
        await ctx.cluster.inventory.nodes(),
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
        'Reads, from the pod of the shared node probe (one per role/profile/zone/instance-type, every node with --all-nodes), the hypervisor CPU flag and the DMI vendor and product; on the nodes that show a hypervisor, compares capacity.cpu (the vCPUs) with 16.',
      podSecurity: 'privileged',
    },
    async (ctx) => {
      const { nodes, sample, probed } = await hardwareProbe(ctx, ctx.allNodes);
      const vcpus = (name: string) =>
        parseQuantity(nodes.find((n) => nodeName(n) === name)?.status?.capacity?.cpu ?? '0');
      return judgeVirtualNodeCpus(
        probed.map(({ node, hardware }) =>
          'report' in hardware
            ? { node, vcpus: vcpus(node), ...judgeVirtualisation(hardware.report.machine) }
            : { node, notObserved: `probe pod did not start: ${hardware.notStarted}` },
        ),
        { sample: sample.note },
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
      capacityAtLeast(await ctx.cluster.inventory.nodes(), 'memory', minMemoryBytes, 'RAM'),
  );

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
      const nodes = await ctx.cluster.inventory.nodes();
      const labelCounts = Object.fromEntries(
        nodes.map((n) => [
          nodeName(n),
          Object.keys(n.metadata?.labels ?? {}).filter((k) => k.startsWith(nfdLabelPrefix)).length,
        ]),
      );
      const pods = await findComponentPods(
        ctx.cluster.inventory,
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
