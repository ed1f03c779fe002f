/**
 * 4.5 Networking solutions.
 *
 * Probe topology: data-path rows put a netexec server on one worker and a
 * client on another (different zones when there are zones), because the
 * spec's reasons (kubenet has no cross-node networking, NAT hides source
 * addresses) only show across nodes. Multiple-connection-point rows request
 * attachments the standard way (NetworkAttachmentDefinitions and the
 * k8s.v1.cni.cncf.io/networks annotation) and compare what the pod sees inside
 * with what the multiplexer wrote in its network-status annotation. The
 * secondary networks are macvlan on each node's default-route interface with
 * addresses from 198.18.0.0/15 (the benchmarking range, unlikely to clash).
 * Where a row applies only "if a multiplexer is used" and none is, the check
 * skips with the evidence it looked at.
 */
import { type V1Pod, NetworkingV1Api } from '@kubernetes/client-node';
import { resourceName } from '../helpers/k8s/api-resources.js';
import { findComponentPods, formatComponentPod } from '../helpers/k8s/components.js';
import type { CheckContext } from '../helpers/framework/context.js';
import {
  extendedResources,
  isExtendedResource,
  byNode,
  sriovConfiguredNames,
  sriovResources,
} from '../helpers/k8s/extended-resources.js';
import { applyTweaks, type NamespaceHandle, type Tweak } from '../helpers/k8s/namespace-handle.js';
import { tryConnect } from '../helpers/probes/netexec.js';
import {
  NAD_GROUP,
  NAD_PLURAL,
  bridgeConfig,
  createAttachments,
  describeMultiplexer,
  findMultiplexer,
  hostLocalIpam,
  listNetworkAttachments,
  macvlanConfig,
  networkStatusOf,
  observeAttachments,
  requestNetworks,
  whereaboutsIpam,
  type AttachmentObservation,
  type AttachmentRequest,
  type CniConfig,
  type Multiplexer,
} from '../helpers/probes/network-attachment.js';
import {
  allowServer,
  allowServerLabels,
  allowedClient,
  denyAllIngressPolicy,
  denyServer,
  NetworkPolicyJig,
  otherClient,
  renderMatrix,
  runPolicyScenario,
  type MatrixEdge,
} from '../helpers/probes/network-policy.js';
import {
  hostNetworkServerPod,
  hostProbePort,
  internalIps,
  masqueradeSettings,
  sourceSeenByNode,
} from '../helpers/probes/host-network.js';
import {
  deletePodAndWait,
  removeLinkFromNode,
  type LinkRemoval,
} from '../helpers/probes/node-links.js';
import { reservationsLeft } from '../helpers/probes/whereabouts.js';
import { sleeperPod } from '../helpers/probes/pod.js';
import { attachUserPlane, type UserPlaneObservation } from '../helpers/probes/user-plane.js';
import {
  NETEXEC_PORT,
  ipv4Of,
  ipv6Of,
  podIPs,
  serverOnNode,
  spreadWorkers,
  startCrossNodePair,
  type CrossNodePair,
  type PairOutcome,
} from '../helpers/probes/pod-network.js';
import { pinToNode, withPodLabels, withResources } from '../helpers/probes/tweaks.js';
import { nodeName, workers } from '../helpers/k8s/nodes.js';
import { randomSuffix } from '../helpers/framework/labels.js';
import { defineSuite } from '../helpers/framework/registry.js';
import { endWith, fail, pass, skip, type Verdict } from '../helpers/framework/result.js';
import {
  attachmentSeen,
  cniPluginTypes,
  unrequestedAttachments,
} from './rules/networking-attachments.js';
import { mustStart } from '../helpers/framework/preconditions.js';
import { judgeSriovAdvertised, observeSriov, sriovObserves } from './rules/networking-sriov.js';
import {
  judgeCrossNodePodNetwork,
  judgeDualStack,
  missingFamilies,
  placementOf,
} from './rules/networking-pod-network.js';
import {
  attachmentConfigs,
  judgeAttachmentPlugins,
  judgeClusterIpam,
  judgeMultiplexerCni,
  judgeMultiplexerDeployment,
  multiplexerNotUsed,
  secondaryAddressesDistinct,
} from './rules/networking-multiplexer.js';
import { judgeEgressNat } from './rules/egress-nat.js';
import { deviceSeen, judgeUserPlane, userPlaneNetworks } from './rules/user-plane.js';

const nad = resourceName(NAD_GROUP, NAD_PLURAL);
const userPlaneComponentPattern = /sriov-cni|userspace-cni|vpp|ovs-dpdk|dpdk/i;

export default defineSuite('networking', (spec) => {
  // What an operator does out of band is not observable; what is: a native
  // API object (a NetworkPolicy) created and deleted through the API changes
  // what the pod network lets through, across nodes.
  spec(
    'ra2.ntw.001',
    {
      kind: 'probe',
      longWait: true,
      observes:
        'Between a server pod and a client pod on two workers, watches the client’s TCP connections get through, stop under a deny-ingress NetworkPolicy created through the Kubernetes API, and get through again once the policy is deleted; what administrators do outside the API is not observed.',
    },
    async (ctx) => {
      const ns = await ctx.ns();
      const pair = await crossNodePair(ctx, ns);
      const policies = new NetworkPolicyJig(ctx, ns.pods);
      const serverIp = pair.server.status?.podIP ?? '';
      const edge = (expectReachable: boolean): MatrixEdge[] => [
        { from: 'client', to: 'server', host: serverIp, port: NETEXEC_PORT, expectReachable },
      ];
      const before = await policies.waitForMatrix(
        'the client to reach the server',
        edge(true),
        ctx.timeouts.serviceEndpoints,
      );
      await policies.create(
        denyAllIngressPolicy(ctx, 'deny-server', { 'ra2.anuket.io/pod': 'server' }),
      );
      const denied = await policies.waitForMatrix(
        'the NetworkPolicy to block the client',
        edge(false),
        ctx.timeouts.networkPolicy,
      );
      await policies.delete('deny-server');
      const after = await policies.waitForMatrix(
        'the client to reach the server again',
        edge(true),
        ctx.timeouts.networkPolicy,
      );
      const evidence = {
        server: `server on ${pair.serverNode} (${serverIp})`,
        client: `client on ${pair.clientNode}`,
        beforePolicy: renderMatrix(before.cells),
        withDenyPolicy: renderMatrix(denied.cells),
        afterDeletingPolicy: renderMatrix(after.cells),
      };
      const steps = [before, denied, after];
      return steps.every((s) => s.settled)
        ? pass(
            'a NetworkPolicy created and deleted through the Kubernetes API blocked and then restored pod traffic across nodes',
            evidence,
          )
        : fail(
            'pod traffic to follow NetworkPolicy objects created and deleted through the API',
            [before, denied, after]
              .filter((s) => !s.settled)
              .flatMap((s) => renderMatrix(s.cells))
              .join('; '),
            evidence,
          );
    },
  );

  // kubenet's missing capability is cross-node pod networking: two pods on
  // different workers get pod addresses (inside their node's podCIDRs when the
  // node has them) and reach each other directly.
  spec(
    'ra2.ntw.002',
    {
      kind: 'probe',
      observes:
        'Starts a server pod and a client pod on two workers, records their pod IPs beside their nodes’ podCIDRs, and connects from the client to every server address; it observes cross-node pod networking, not which plugin provides it or whether that plugin is CNI-conformant.',
    },
    async (ctx) => {
      const ns = await ctx.ns();
      const pair = await crossNodePair(ctx, ns);
      const nodes = await ctx.cluster.inventory.nodes();
      const cidrsOf = (name: string) =>
        nodes.find((n) => nodeName(n) === name)?.spec?.podCIDRs ?? [];
      const placement = [
        placementOf('server', pair.serverNode, podIPs(pair.server), cidrsOf(pair.serverNode)),
        placementOf('client', pair.clientNode, podIPs(pair.client), cidrsOf(pair.clientNode)),
      ];
      const attempts = [];
      for (const ip of podIPs(pair.server))
        attempts.push(await tryConnect(ns.pods, 'client', ip, NETEXEC_PORT));
      return judgeCrossNodePodNetwork(placement, attempts);
    },
  );

  spec(
    'ra2.ntw.003',
    {
      kind: 'probe',
      observes:
        'Creates five macvlan NetworkAttachmentDefinitions, starts a pod requesting all five by annotation, and looks for net1 to net5 each with an address both inside the pod (ip addr) and in its network-status annotation.',
    },
    async (ctx) => {
      const multiplexer = await findMultiplexer(ctx);
      if (!multiplexer.nad.served)
        return fail(
          'a way to attach at least five additional connection points to a pod (e.g. NetworkAttachmentDefinitions)',
          `${nad} is not served: pods cannot request additional connection points`,
          describeMultiplexer(multiplexer),
        );
      const requests: AttachmentRequest[] = [1, 2, 3, 4, 5].map((i) => ({
        name: `extra-${i}`,
        interface: `net${i}`,
      }));
      const ns = await nsWithAttachments(
        ctx,
        Object.fromEntries(
          requests.map((r, i) => [
            r.name,
            macvlanConfig(r.name, hostLocalIpam(`198.18.${i + 1}.0/24`)),
          ]),
        ),
      );
      const observed = await attachAndObserve(ctx, ns, 'five-networks', requests);
      const missing = requests.filter((r) => !attachmentSeen(observed, r.interface));
      const evidence = { ...observed.evidence, multiplexer: describeMultiplexer(multiplexer) };
      return missing.length === 0
        ? pass(
            `a pod got five additional connection points (net1..net5) besides its default one, each with an address`,
            evidence,
          )
        : fail(
            'five additional interfaces, each with an address inside the pod and in its network-status',
            `missing or without address: ${missing.map((r) => r.interface).join(', ')}`,
            evidence,
          );
    },
  );

  // Observable: an attachment appears when requested by the annotation and
  // never without a request, in the probe pod and in every pod of the cluster.
  spec(
    'ra2.ntw.004',
    {
      kind: 'probe',
      observes:
        'Starts one pod requesting a macvlan attachment by annotation and one requesting nothing and compares their interfaces and network-status, then reads every pod in the cluster for non-default attachments with neither the networks annotation nor an extended-resource request.',
    },
    async (ctx) => {
      const multiplexer = await findMultiplexer(ctx);
      const allPods = await ctx.cluster.inventory.pods();
      const unrequested = unrequestedAttachments(allPods, isExtendedResource);
      if (!multiplexer.nad.served)
        return fail(
          'additional connection points requested through annotations or resource requests',
          `${nad} is not served: no standard mechanism to request additional connection points`,
          describeMultiplexer(multiplexer),
        );
      const ns = await nsWithAttachments(ctx, {
        extra: macvlanConfig('extra', hostLocalIpam('198.18.9.0/24')),
      });
      const requested = await attachAndObserve(ctx, ns, 'requested', [
        { name: 'extra', interface: 'net1' },
      ]);
      const plain = await attachAndObserve(ctx, ns, 'not-requested', []);
      const evidence = {
        withAnnotation: requested.evidence,
        withoutAnnotation: plain.evidence,
        podsWithUnrequestedAttachments: unrequested,
      };
      const problems: string[] = [];
      if (!attachmentSeen(requested, 'net1')) problems.push('the annotated pod did not get net1');
      const extraInPlain = Object.keys(plain.inside).filter((i) => i !== 'eth0');
      if (extraInPlain.length > 0 || plain.status.some((s) => !s.default))
        problems.push(`the pod without a request has extra interfaces ${extraInPlain.join(', ')}`);
      if (unrequested.length > 0)
        problems.push(
          `pods with attachments they did not request: ${unrequested.map((u) => u.pod).join(', ')}`,
        );
      return problems.length === 0
        ? pass(
            'the connection point appeared when requested by annotation and not otherwise; no pod in the cluster has unrequested attachments',
            evidence,
          )
        : fail(
            'additional connection points only when requested through annotations or resource requests',
            problems.join('; '),
            evidence,
          );
    },
  );

  spec(
    'ra2.ntw.005',
    {
      kind: 'inspect',
      observes:
        'Looks for the NetworkAttachmentDefinition API and for multiplexer pods (Multus, DANM, CNI-Genie, Knitter, recognised by name, owner, label or image) and whether they run.',
    },
    async (ctx) => judgeMultiplexerDeployment(await findMultiplexer(ctx)),
  );

  // The multiplexer integrates via CNI when the runtime's CNI call for a pod
  // gives it the default network and a requested attachment, and the result is
  // published through the API (network-status).
  spec(
    'ra2.ntw.006',
    {
      kind: 'probe',
      observes:
        'Starts a pod requesting a macvlan attachment and looks for its default network and net1 both in the multiplexer’s network-status annotation and inside the pod; that the runtime reached the multiplexer through CNI is inferred from that, not traced.',
    },
    async (ctx) => {
      const multiplexer = await findMultiplexer(ctx);
      requireMultiplexer(multiplexer);
      const ns = await nsWithAttachments(ctx, {
        extra: macvlanConfig('extra', hostLocalIpam('198.18.6.0/24')),
      });
      const observed = await attachAndObserve(ctx, ns, 'attached', [
        { name: 'extra', interface: 'net1' },
      ]);
      return judgeMultiplexerCni(observed, 'net1');
    },
  );

  // Besides the default network's plugin, two more plugin types in one pod.
  // The bridge plugin creates its bridge on the node and never deletes it:
  // the check removes it (deferred too, should the body end early) and shows
  // in its evidence that the bridge is gone.
  spec(
    'ra2.ntw.007',
    {
      kind: 'probe',
      podSecurity: 'privileged',
      observes:
        'Starts a pod requesting a macvlan (net1) and a bridge (net2) attachment and looks for both, with addresses inside the pod and in network-status, beside a default network entry; then deletes the pod and the bridge it created on the node (ip link del from a host-network pod) and looks that the bridge is gone.',
    },
    async (ctx) => {
      const multiplexer = await findMultiplexer(ctx);
      requireMultiplexer(multiplexer);
      const bridge = `ra2br-${randomSuffix(6)}`;
      const ns = await nsWithAttachments(ctx, {
        'via-macvlan': macvlanConfig('via-macvlan', hostLocalIpam('198.18.7.0/24')),
        'via-bridge': bridgeConfig('via-bridge', bridge, hostLocalIpam('198.18.8.0/24')),
      });
      const podName = 'two-plugins';
      let cleaned: Promise<LinkRemoval> | undefined;
      const cleanUp = (node: string) =>
        (cleaned ??= removeLinkFromNode(ctx, ns, node, bridge, [podName]));
      const started = await ns.pods.tryStart(
        sleeperPod(ctx, podName),
        requestNetworks([
          { name: 'via-macvlan', interface: 'net1' },
          { name: 'via-bridge', interface: 'net2' },
        ]),
      );
      const node = started.started
        ? started.pod.spec?.nodeName
        : ((started.described.node as string | undefined) ?? undefined);
      if (node)
        ctx.defer(`remove bridge ${bridge} from ${node}`, async () => {
          const r = await cleanUp(node);
          if (!r.goneAfter) throw new Error(`bridge ${bridge} is left on ${node}: ${r.detail}`);
        });
      if (!started.started)
        return fail(
          'a pod requesting macvlan and bridge attachments to start',
          started.reason,
          started.described,
        );
      const observed = await observeAttachments(ns.pods, started.pod, [
        { name: 'via-macvlan', interface: 'net1' },
        { name: 'via-bridge', interface: 'net2' },
      ]);
      const removal = await cleanUp(node!);
      if (!removal.goneAfter)
        throw new Error(`the probe's bridge ${bridge} is left on ${node}: ${removal.detail}`);
      const evidence = { ...observed.evidence, bridgeCleanup: removal };
      const missing = ['net1', 'net2'].filter((i) => !attachmentSeen(observed, i));
      const hasDefault = observed.status.some((s) => s.default);
      return missing.length === 0 && hasDefault
        ? pass(
            `one pod got networks from three CNI plugins: the default network, macvlan (net1) and bridge (net2); the bridge ${bridge} was then removed from ${node}`,
            evidence,
          )
        : fail(
            'the default network plus macvlan and bridge attachments in one pod',
            [
              ...missing.map((i) => `${i} missing`),
              ...(hasDefault ? [] : ['no default network']),
            ].join('; '),
            evidence,
          );
    },
  );

  spec(
    'ra2.ntw.008',
    { kind: 'inspect', observes: sriovObserves, attestable: 'not-applicable' },
    async (ctx) =>
      judgeSriovAdvertised(
        await observeSriov(ctx),
        'a Device Plugin for SR-IOV advertising VFs to the kubelet',
      ),
  );

  // Every NetworkAttachmentDefinition must hand the attachment to a CNI
  // plugin (its config is a CNI configuration), and one such plugin must
  // actually attach an interface.
  spec(
    'ra2.ntw.009',
    {
      kind: 'probe',
      observes:
        'Reads the config of every NetworkAttachmentDefinition for a cniVersion and a plugin type, and starts a pod with a macvlan attachment to see net1 appear; the plugins themselves are not run against the CNI specification.',
    },
    async (ctx) => {
      const multiplexer = await findMultiplexer(ctx);
      requireMultiplexer(multiplexer);
      const existing = attachmentConfigs(await listNetworkAttachments(ctx));
      const ns = await nsWithAttachments(ctx, {
        extra: macvlanConfig('extra', hostLocalIpam('198.18.10.0/24')),
      });
      const observed = await attachAndObserve(ctx, ns, 'attached', [
        { name: 'extra', interface: 'net1' },
      ]);
      return judgeAttachmentPlugins(existing, observed, 'net1');
    },
  );

  // Type names in a NetworkAttachmentDefinition prove nothing: a pod is
  // attached to a user-plane network the cluster offers, requesting its
  // device resource, and the interface or device must be inside it.
  spec(
    'ra2.ntw.010',
    {
      kind: 'probe',
      // Takes a scarce node resource (a device, a whole CPU, huge pages): alone, so
      // concurrent checks neither starve it nor change its verdict.
      exclusive: true,
      attestable: 'not-applicable',
      observes:
        'Looks for NetworkAttachmentDefinitions of type sriov, userspace or vhostuser that name a device resource (k8s.v1.cni.cncf.io/resourceName), attaches a pod to each (a copy in its namespace, up to three) requesting one unit of that resource, and looks inside the pod for net1, the device plugin’s PCIDEVICE_* variables or a /dev/vfio group; user-plane component pods and SR-IOV resources are evidence only.',
    },
    async (ctx) => {
      const multiplexer = await findMultiplexer(ctx);
      const nads = multiplexer.nad.served ? await listNetworkAttachments(ctx) : [];
      const offered = userPlaneNetworks(nads);
      const components = await findComponentPods(ctx.cluster.inventory, userPlaneComponentPattern);
      const nodes = await ctx.cluster.inventory.nodes();
      const vfs = sriovResources(
        extendedResources(nodes),
        await sriovConfiguredNames(ctx.cluster.core),
      ).filter((r) => r.allocatable > 0);
      const evidence = {
        userPlaneNetworks: offered.usable.map(
          (n) => `${n.source} (${n.types.join(', ')}; ${n.resource})`,
        ),
        userPlaneNetworksWithoutResource: offered.withoutResource,
        otherAttachments: nads
          .map((n) => `${n.namespace}/${n.name} (${cniPluginTypes(n.config).types.join(', ')})`)
          .filter((n) => !offered.usable.some((u) => n.startsWith(`${u.source} `))),
        userPlaneComponents: components.map(formatComponentPod),
        sriovResources: vfs.map((r) => `${r.node}: ${r.resource}=${r.allocatable}`),
        multiplexer: describeMultiplexer(multiplexer),
      };
      const observations: UserPlaneObservation[] = [];
      if (offered.usable.length > 0) {
        const ns = await ctx.ns();
        for (const [i, network] of offered.usable.slice(0, 3).entries()) {
          const o = await attachUserPlane(ctx, ns, network, `user-plane-${i}`);
          observations.push(o);
          if (deviceSeen(o)) break;
        }
      }
      return judgeUserPlane(offered, observations, evidence);
    },
  );

  // Beyond the pod network, yet between the cluster's own nodes: a server in
  // another node's own network namespace sees the source address the pod's
  // traffic really carried when it left the pod network (pod-to-pod traffic
  // is un-NATed on every conformant CNI and proves nothing here).
  spec(
    'ra2.ntw.011',
    {
      kind: 'probe',
      attestable: 'not-applicable',
      podSecurity: 'privileged',
      observes:
        'Runs agnhost netexec with hostNetwork on one worker and, from a client pod on another worker, connects to that worker’s InternalIP over each IP family the pod has, asking which source address arrived; the pod’s own address passes, any other (the node’s, after masquerading) fails, listing that answer and two more asked after it. The CNI agents’ masquerade flags are evidence only; hosts outside the cluster are never contacted.',
    },
    async (ctx) => {
      const nodes = spreadWorkers(await ctx.cluster.inventory.nodes());
      const [serverNode, clientNode] = nodes;
      if (!serverNode || !clientNode)
        return skip(
          'needs two schedulable Ready workers: one hosts the server, the other the client',
          {
            workers: nodes.map(nodeName),
          },
        );
      const ns = await ctx.ns();
      const port = hostProbePort();
      await ns.pods.createRunning(hostNetworkServerPod(ctx, 'host-server', serverNode, port));
      const client = await ns.pods.createRunning(sleeperPod(ctx, 'client'), pinToNode(clientNode));
      const observations = await sourceSeenByNode(
        ctx,
        ns.pods,
        { name: 'client', ips: podIPs(client) },
        serverNode,
        port,
      );
      const clientNodeIps = Object.values(internalIps(clientNode)).filter(
        (ip): ip is string => ip !== undefined,
      );
      return judgeEgressNat(
        observations,
        { clientNodeIps },
        {
          server: `netexec on ${nodeName(serverNode)}'s host network, port ${port}`,
          client: `pod on ${nodeName(clientNode)} (${podIPs(client).join(', ')})`,
          clientNodeInternalIps: clientNodeIps,
          cniMasqueradeSettings: masqueradeSettings(await ctx.cluster.inventory.pods()),
        },
      );
    },
  );

  // A resource a device plugin advertises can be requested by a pod, which is
  // then scheduled and runs.
  spec(
    'ra2.ntw.012',
    {
      kind: 'probe',
      // Takes a scarce node resource (a device, a whole CPU, huge pages): alone, so
      // concurrent checks neither starve it nor change its verdict.
      exclusive: true,
      attestable: 'not-applicable',
      observes:
        'Reads the workers’ allocatable extended resources and starts a pod requesting one unit of the most plentiful one, which must be scheduled and run; what hardware the resource stands for is not checked.',
    },
    async (ctx) => {
      const nodes = workers(await ctx.cluster.inventory.nodes());
      const offered = extendedResources(nodes).filter((r) => r.allocatable >= 1);
      const evidence: Record<string, unknown> = { extendedResources: byNode(nodes, offered) };
      const chosen = offered.sort((a, b) => b.allocatable - a.allocatable)[0];
      if (!chosen)
        return fail(
          'a device plugin advertising acceleration hardware (an extended resource) on the workers',
          'no worker advertises an extended resource',
          evidence,
        );
      const ns = await ctx.ns();
      const pod = await mustStart(
        ns.pods.tryStart(sleeperPod(ctx, 'device-user'), withResources({ [chosen.resource]: '1' })),
        `a pod requesting 1 ${chosen.resource} to run`,
        evidence,
      );
      evidence.pod = `device-user on ${pod.spec?.nodeName ?? '?'} with ${chosen.resource}: 1`;
      return pass(
        `a pod requesting 1 ${chosen.resource} (advertised by ${chosen.node}) was scheduled and runs`,
        evidence,
      );
    },
  );

  spec(
    'ra2.ntw.013',
    {
      kind: 'probe',
      observes:
        'Reads the IPv4 and IPv6 pod IPs of a server pod and a client pod on two workers and connects from the client to the server over each family.',
    },
    async (ctx) => {
      const ns = await ctx.ns();
      const pair = await crossNodePair(ctx, ns);
      const server = { pod: 'server', node: pair.serverNode, ips: podIPs(pair.server) };
      const client = { pod: 'client', node: pair.clientNode, ips: podIPs(pair.client) };
      // A single-stack pod fails before any connection is tried.
      if (missingFamilies(server).length > 0 || missingFamilies(client).length > 0)
        return judgeDualStack(server, client, []);
      const attempts = [
        await tryConnect(ns.pods, 'client', ipv4Of(server.ips)!, NETEXEC_PORT),
        await tryConnect(ns.pods, 'client', ipv6Of(server.ips)!, NETEXEC_PORT),
      ];
      return judgeDualStack(server, client, attempts);
    },
  );

  // A policy matrix across nodes: default allow, then deny-all ingress on two
  // servers with an allow rule for one labelled client on one of them.
  spec(
    'ra2.ntw.014',
    {
      kind: 'probe',
      longWait: true,
      observes:
        'Runs a NetworkPolicy matrix from two client pods on one worker to two server pods on another, over each server address family: no policy (both clients get through to both), then deny-all ingress on both servers (neither client gets through to the first) with an allow rule for one pod label on the second (only the labelled client gets through to it).',
    },
    async (ctx) => {
      const networking = ctx.cluster.kc.makeApiClient(NetworkingV1Api);
      await networking.listNetworkPolicyForAllNamespaces({ limit: 1 });
      const ns = await ctx.ns();
      const nodes = spreadWorkers(await ctx.cluster.inventory.nodes());
      const [serverNode, clientNode] = nodes;
      if (!serverNode || !clientNode)
        return skip('needs two schedulable workers', { workers: nodes.map(nodeName) });
      const allowedLabels = { 'ra2.anuket.io/access': 'granted' };
      const serverLabels = { 'ra2.anuket.io/policy-server': 'matrix' };
      const { started, failed } = await ns.pods.tryStartAll([
        serverOnNode(ctx, denyServer, serverNode, serverLabels),
        serverOnNode(ctx, allowServer, serverNode, { ...serverLabels, ...allowServerLabels }),
        applyTweaks(sleeperPod(ctx, allowedClient), [
          withPodLabels(allowedLabels),
          pinToNode(clientNode),
        ]),
        applyTweaks(sleeperPod(ctx, otherClient), [pinToNode(clientNode)]),
      ]);
      if (failed) return fail(`pod ${failed.name} to start`, failed.reason, failed.described);
      const scenario = await runPolicyScenario(ctx, ns.pods, {
        serverIps: { deny: podIPs(started[0]!), allow: podIPs(started[1]!) },
        serverLabels,
        allowedLabels,
        port: NETEXEC_PORT,
      });
      const evidence = {
        serverNode: nodeName(serverNode),
        clientNode: nodeName(clientNode),
        servers: scenario.servers,
        steps: scenario.steps,
      };
      // Both servers are started alike, so they have the same address families.
      const familyCount = scenario.servers[0]?.ips.length ?? 0;
      const families = familyCount === 1 ? 'family' : 'families';
      return scenario.failedStep
        ? fail(
            'the data path across nodes to follow each NetworkPolicy step',
            `${scenario.failedStep.name}: ${scenario.failedStep.mismatched.join('; ')}`,
            evidence,
          )
        : pass(
            `NetworkPolicies were enforced across nodes over ${familyCount} address ${families}: allow, deny-all, allow-from-label`,
            evidence,
          );
    },
  );

  // Cluster-wide IPAM: two pods on different nodes attached to one network
  // get distinct addresses (host-local would hand out the same first address
  // on each node) and reach each other over it.
  spec(
    'ra2.ntw.015',
    {
      kind: 'probe',
      observes:
        'Starts two pods on different workers attached to one macvlan network with whereabouts IPAM, compares the secondary addresses in their network-status and connects between them over it, then deletes them and reads whereabouts’ IPPools and reservations for addresses still held for them; the IPAM plugin is the one the probe configures, not one found in the cluster.',
    },
    async (ctx) => {
      const multiplexer = await findMultiplexer(ctx);
      requireMultiplexer(multiplexer);
      const ns = await nsWithAttachments(ctx, {
        shared: macvlanConfig('shared', whereaboutsIpam('198.18.16.0/24')),
      });
      const pair = await crossNodePair(
        ctx,
        ns,
        requestNetworks([{ name: 'shared', interface: 'net1' }]),
      );
      const secondary = (pod: V1Pod) =>
        networkStatusOf(pod).find((s) => s.interface === 'net1')?.ips[0];
      const serverIp = secondary(await ns.pods.waitRunning('server'));
      const clientIp = secondary(await ns.pods.waitRunning('client'));
      const evidence: Record<string, unknown> = {
        server: `${pair.serverNode}: net1 ${serverIp ?? 'none'}`,
        client: `${pair.clientNode}: net1 ${clientIp ?? 'none'}`,
      };
      const addresses = [
        { pod: 'server', node: pair.serverNode, ip: serverIp },
        { pod: 'client', node: pair.clientNode, ip: clientIp },
      ];
      // No address, or the same one twice, fails before any connection is tried.
      if (!secondaryAddressesDistinct(addresses))
        return judgeClusterIpam(addresses, undefined, evidence);
      const attempt = await tryConnect(ns.pods, 'client', serverIp!, NETEXEC_PORT);
      evidence.attempt = attempt;
      // The probe's pods go; whereabouts must free their addresses with them.
      for (const pod of ['server', 'client']) await deletePodAndWait(ctx, ns, pod);
      const reservations = await reservationsLeft(ctx, ns.name, ctx.timeouts.serviceEndpoints);
      evidence.whereaboutsReservationsAfterDelete = reservations.notRead
        ? `not read: ${reservations.notRead}`
        : reservations.left.length === 0
          ? `none left for ${ns.name} (looked after ${reservations.waitedMs} ms)`
          : reservations.left;
      if (reservations.left.length > 0)
        ctx.log(
          `whereabouts reservations left after the pods were deleted: ${reservations.left.join('; ')}`,
        );
      return judgeClusterIpam(addresses, attempt, evidence);
    },
  );
});

/** The check's namespace, holding `attachments` (name -> CNI configuration). */
async function nsWithAttachments(
  ctx: CheckContext,
  attachments: Record<string, CniConfig>,
): Promise<NamespaceHandle> {
  const ns = await ctx.ns();
  await createAttachments(ns, attachments);
  return ns;
}

/** A server and a client on two workers, both running, or the end of the check. */
async function crossNodePair(
  ctx: CheckContext,
  ns: NamespaceHandle,
  ...tweaks: Tweak<V1Pod>[]
): Promise<CrossNodePair> {
  const outcome = await startCrossNodePair(ctx, ns, ...tweaks);
  return outcome.ok ? outcome.pair : endWith(pairProblem(outcome));
}

function pairProblem(outcome: Exclude<PairOutcome, { ok: true }>): Verdict {
  if (outcome.why === 'too-few-workers')
    return skip('needs two schedulable Ready workers to observe traffic across nodes', {
      workers: outcome.workers,
    });
  return fail(`probe pod ${outcome.pod} to start`, outcome.reason, { pod: outcome.described });
}

/** Ends the check with a skip when no multiplexer is used (the row applies "if used"). */
function requireMultiplexer(m: Multiplexer): void {
  const notUsed = multiplexerNotUsed(m);
  if (notUsed) endWith(notUsed);
}

/** Starts a pod requesting `requests` (or the end of the check) and reads what it got. */
async function attachAndObserve(
  ctx: CheckContext,
  ns: NamespaceHandle,
  name: string,
  requests: AttachmentRequest[],
): Promise<AttachmentObservation> {
  const pod = await mustStart(
    ns.pods.tryStart(sleeperPod(ctx, name), requestNetworks(requests)),
    `a pod requesting ${requests.map((r) => r.name).join(', ') || 'no extra networks'} to start`,
  );
  return observeAttachments(ns.pods, pod, requests);
}
