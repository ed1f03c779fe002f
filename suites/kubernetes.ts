/**
 * 4.3 Kubernetes.
 *
 * API-level rows (alpha/beta/GA versions) are decided from discovery, the
 * same view every client gets. Availability rows read nodes and their zone
 * labels; etcd and the control-plane services are read from their (mirror)
 * pods, and etcd's own member list. Kubelet settings (NUMA, CPU manager,
 * reservations) are read from each kubelet's live configuration through the
 * node proxy, and where the spec names a behaviour (CPU pinning, device
 * plugins) a pod is scheduled to observe it.
 *
 * Service publishing and NetworkPolicy need real traffic: an agnhost netexec
 * server and sleeper client pods in the check's namespace; each client
 * attempt is an exec in a client pod, so only in-cluster addresses are used.
 * An attempt that could not observe the network (exec or API failure) never
 * counts as blocked: if nothing else is learnt by the deadline the row is an
 * error. The dual-stack probe puts the server behind a RequireDualStack
 * Service so both the allocation of two ClusterIPs and the data path through
 * each family are observed.
 */
import {
  ApiException,
  AutoscalingV1Api,
  AutoscalingV2Api,
  VersionApi,
  type V1Node,
  type V1Service,
} from '@kubernetes/client-node';
import type { CheckContext } from '../helpers/framework/context.js';
import { cgroupReadScript, parseCgroupReport } from '../helpers/probes/cgroup.js';
import {
  alphaVersion,
  apiOrigins,
  resourcesOf,
  servedGroupVersions,
} from '../helpers/k8s/discovery.js';
import { observeEtcd, observeEtcdElsewhere } from '../helpers/probes/etcd.js';
import { apiServerEndpoints, observeLeaderLeases } from '../helpers/k8s/control-plane.js';
import { extendedResources } from '../helpers/k8s/extended-resources.js';
import type { NamespaceHandle, Tweak } from '../helpers/k8s/namespace-handle.js';
import {
  allowServer,
  allowServerLabels,
  allowedClient,
  denyServer,
  otherClient,
  runPolicyScenario,
} from '../helpers/probes/network-policy.js';
import {
  attemptUntil,
  hostPort,
  netexecServerPod,
  observeConnect,
  tryHttpGet,
  type ConnectAttempt,
} from '../helpers/probes/netexec.js';
import { podIPs } from '../helpers/probes/pod-network.js';
import { sleeperPod } from '../helpers/probes/pod.js';
import {
  chooseIngressClass,
  hostPathIngress,
  ingressClasses,
  waitForIngressAddress,
  waitForLoadBalancerAddress,
} from '../helpers/probes/publishing.js';
import { clusterIpService, waitForReadyEndpoints } from '../helpers/probes/service.js';
import { pinToNode, withPodLabels, withResources } from '../helpers/probes/tweaks.js';
import { mustAllStart } from '../helpers/framework/preconditions.js';
import {
  gateEnabled,
  readKubeletConfigs,
  type KubeletConfig,
  type KubeletConfigReading,
} from '../helpers/k8s/kubelet-config.js';
import {
  anuketProfiles,
  hasProfile,
  isProfileLabelKey,
  profileLabelKeys,
} from '../catalog/profiles.js';
import { etcdLookedFor, judgeEtcd, judgeEtcdElsewhere, type EtcdJudgement } from './rules/etcd.js';
import { judgeControlPlaneHa, judgeWorkerHa } from './rules/control-plane.js';
import { compareWithUpstream, minorOf, requiredGaGroupVersions } from './rules/ga-apis.js';
import {
  controlPlanePodSelector,
  judgeControlPlaneServices,
} from './rules/control-plane-services.js';
// Kept importable from this file for the tests that judge them.
export { atLeastOnePerZone } from './rules/control-plane.js';
export {
  controlPlaneServices,
  controlPlaneServicesPerNode,
} from './rules/control-plane-services.js';
import { judgeKubernetesVersion } from './rules/kubernetes-version.js';
import {
  isControlPlane,
  leaveOutVirtualNodes,
  nodeName,
  probeableNodes,
  workers,
} from '../helpers/k8s/nodes.js';
import { mapBounded } from '../helpers/k8s/bounded.js';
import { defaultProbeConcurrency, sampleNodes } from '../helpers/probes/node-sample.js';
import { profileLabelOf } from './rules/node-groups.js';
import { parseQuantity } from '../helpers/k8s/quantity.js';
import { defineSuite } from '../helpers/framework/registry.js';
import { getRaw } from '../helpers/k8s/raw-get.js';
import { oneLine } from '../helpers/k8s/errors.js';
import { enabledAlphaFeatures, splitByOrigin } from './rules/api-versions.js';
import { judgeBetaApis } from './rules/kubernetes-beta-apis.js';
import {
  hpaFieldsV1,
  hpaFieldsV2,
  judgeGaApis,
  planRoundTrips,
  roundTripDifferences,
  roundTripHpaV1,
  roundTripName,
  type RoundTrip,
  type RoundTripPlan,
} from './rules/kubernetes-ga-roundtrip.js';
import { judgePolicyScenario } from './rules/kubernetes-network-policy.js';
import {
  answeredByServer,
  dualStackClusterIps,
  dualStackRefused,
  externalNameUnresolved,
  judgeDualStackReach,
  judgeExternalNameHttp,
  judgeNodePortReach,
  nodePortTargets,
  nslookupEvidence,
  refusalMessage,
  resolvesAsCname,
  usableNodePort,
} from './rules/kubernetes-services.js';
import { fail, pass, skip, type Verdict } from '../helpers/framework/result.js';

/** The API server's enabled alpha feature gates, or why they could not be read. */
async function alphaFeatureGatesOf(ctx: CheckContext): Promise<string[] | string> {
  try {
    const answer = await getRaw(ctx.cluster.kc, '/metrics');
    if (answer.status !== 200)
      return `not read: GET /metrics answered ${answer.status} (needs get on the /metrics non-resource URL)`;
    return enabledAlphaFeatures(answer.body).map((gate) => gate.name);
  } catch (err) {
    return `not read: ${oneLine(err)}`;
  }
}

export default defineSuite('kubernetes', (spec) => {
  spec('ra2.k8s.001', { kind: 'attest' });

  spec(
    'ra2.k8s.002',
    {
      kind: 'inspect',
      attestable: 'evidence',
      observes:
        'Finds the etcd pods in kube-system (label component=etcd) and the nodes they run on, and reads the member list with etcdctl inside a running one; counts the voting members (3, 5 or 7) and looks for any member or pod on a worker node. Without kubeadm’s pods it counts OpenShift’s etcd pods (openshift-etcd, app=etcd), else nodes labelled node-role.kubernetes.io/etcd (k3s, RKE2), else the members a kube-apiserver pod names in --etcd-servers; an etcd none of these shows is not observed and takes an attestation.',
    },
    async (ctx) => {
      const nodes = await ctx.cluster.inventory.nodes();
      const etcd = await observeEtcd(ctx.cluster.core, ctx.cluster.kc, ctx.timeouts.exec);
      const { pods, members, memberListError } = etcd;
      if (pods.length === 0) return etcdFromOtherTraces(ctx, nodes);
      const judged = judgeEtcd(pods, nodes, members);
      const evidence = {
        etcdPods: pods.map(
          (p) =>
            `${p.metadata?.name ?? ''} on ${p.spec?.nodeName ?? '?'} (${p.status?.phase ?? '?'})`,
        ),
        members: members?.map((m) => (m.isLearner ? `${m.name} (learner)` : m.name)),
        memberListError,
        countedFrom: judged.countedFrom,
        votingMembers: judged.voting,
      };
      return etcdVerdict(judged, evidence);
    },
  );

  spec(
    'ra2.k8s.003',
    {
      kind: 'inspect',
      observes:
        'Counts the API server instances in the default/kubernetes EndpointSlice and watches the kube-scheduler and kube-controller-manager leader Leases (kube-system) for a renewal. Where nodes carry zone labels (topology.kubernetes.io/zone), every zone named on a kubelet-backed node (virtual ones, KWOK or virtual-kubelet, are counted and left out) needs a Ready control-plane node (or, where control-plane nodes are not listed, at least as many API server instances as zones); where none does, at least two API server instances are needed. A lease seen but not renewed fails.',
    },
    async (ctx) => {
      const view = await controlPlaneApiView(ctx);
      return judgeControlPlaneHa(view);
    },
  );

  spec(
    'ra2.k8s.012a',
    {
      kind: 'inspect',
      attestable: 'evidence',
      observes:
        'Lists the kube-apiserver, kube-scheduler and kube-controller-manager pods in kube-system (by their component label) and checks each control-plane node runs all three, Running and Ready, and each API server’s --advertise-address is a ready endpoint of default/kubernetes. Without such pods (k3s, OpenShift, managed control planes) it reads the API server endpoints and watches the scheduler’s and controller manager’s leader Leases for a renewal; a lease not renewed fails, one not found leaves the row not observed for an attestation.',
    },
    async (ctx) => {
      const [view, pods] = await Promise.all([
        controlPlaneApiView(ctx),
        ctx.cluster.core.listNamespacedPod({
          namespace: 'kube-system',
          labelSelector: controlPlanePodSelector,
        }),
      ]);
      return judgeControlPlaneServices({ ...view, pods: pods.items });
    },
  );

  spec(
    'ra2.k8s.004',
    {
      kind: 'inspect',
      observes:
        'Reads the nodes’ zone labels (topology.kubernetes.io/zone), readiness, cordons and NoSchedule/NoExecute taints: where zones are labelled, every zone named on a node needs a Ready schedulable node without the control-plane role label; where none is, at least two such workers are needed. Virtual nodes (KWOK, virtual-kubelet) are counted and left out: a zone only they name is not judged.',
    },
    async (ctx) => judgeWorkerHa(await ctx.cluster.inventory.nodes()),
  );

  spec(
    'ra2.k8s.005',
    {
      kind: 'inspect',
      observes:
        'Reads the API server’s version (/version) and holds its minor against the upstream release table with end-of-life dates in suites/rules/kubernetes-releases.ts, and reads each node’s kubelet version to check it is at most three minors older and never newer; virtual nodes (KWOK, virtual-kubelet) report no kubelet version of their own and are counted and left out.',
    },
    async (ctx) => {
      const { gitVersion } = await ctx.cluster.kc.makeApiClient(VersionApi).getCode();
      return judgeKubernetesVersion(gitVersion, await ctx.cluster.inventory.nodes(), new Date());
    },
  );

  spec(
    'ra2.k8s.006',
    {
      kind: 'inspect',
      observes:
        'Reads only settings: each network-intensive node’s live kubelet configuration (configz through the node proxy) for the TopologyManager and CPUManager feature gates, topologyManagerPolicy single-numa-node and cpuManagerPolicy static; NUMA alignment itself is not exercised.',
    },
    async (ctx) => {
      const nodes = networkIntensiveNodes(await ctx.cluster.inventory.nodes());
      if (nodes.length === 0) return noNetworkIntensiveNode();
      const readings = await readKubeletConfigs(ctx.cluster.core, nodes.map(nodeName));
      return judgeKubeletConfigs(
        readings,
        'the TopologyManager and CPUManager enabled with topologyManagerPolicy single-numa-node and cpuManagerPolicy static on every network-intensive node',
        (config) => {
          const problems: string[] = [];
          if (!gateEnabled(config, 'TopologyManager'))
            problems.push('TopologyManager gate disabled');
          if (!gateEnabled(config, 'CPUManager')) problems.push('CPUManager gate disabled');
          if (config.topologyManagerPolicy !== 'single-numa-node')
            problems.push(`topologyManagerPolicy ${config.topologyManagerPolicy}`);
          if (config.cpuManagerPolicy !== 'static')
            problems.push(`cpuManagerPolicy ${config.cpuManagerPolicy}`);
          return problems;
        },
        (config) => ({
          topologyManagerPolicy: config.topologyManagerPolicy,
          cpuManagerPolicy: config.cpuManagerPolicy,
          featureGates: config.featureGates,
        }),
      );
    },
  );

  spec(
    'ra2.k8s.007',
    {
      kind: 'probe',
      // Takes a scarce node resource (a device, a whole CPU, huge pages): alone, so
      // concurrent checks neither starve it nor change its verdict.
      exclusive: true,
      observes:
        'Reads the DevicePlugins feature gate in each network-intensive node’s kubelet configuration and the extended resources those nodes advertise as allocatable, then starts a pod requesting one unit of such a resource on its node and watches it get the device and run.',
    },
    async (ctx) => {
      const nodes = networkIntensiveNodes(await ctx.cluster.inventory.nodes());
      if (nodes.length === 0) return noNetworkIntensiveNode();
      const readings = await readKubeletConfigs(ctx.cluster.core, nodes.map(nodeName));
      const gateOff = readings.flatMap((r) =>
        'config' in r && !gateEnabled(r.config, 'DevicePlugins') ? [r.node] : [],
      );
      const resources = extendedResources(nodes).filter((r) => r.allocatable >= 1);
      const evidence: Record<string, unknown> = {
        networkIntensiveNodes: nodes.map(nodeName),
        devicePluginsGateDisabledOn: gateOff,
        extendedResources: resources.map((r) => `${r.node}: ${r.resource} ${r.allocatable}`),
      };
      if (gateOff.length > 0) {
        return fail(
          'the DevicePlugins feature gate enabled on network-intensive nodes',
          `disabled on ${gateOff.join(', ')}`,
          evidence,
        );
      }
      const target = resources[0];
      const targetNode = nodes.find((n) => nodeName(n) === target?.node);
      if (!target || !targetNode) {
        return fail(
          'a device plugin advertising an extended resource on a network-intensive node',
          `no extended resource is allocatable on ${nodes.map(nodeName).join(', ')}`,
          evidence,
        );
      }
      // A pod granted one device proves the kubelet's device plugin API allocates it.
      const ns = await ctx.ns();
      const started = await ns.pods.tryStart(
        sleeperPod(ctx, 'device-consumer'),
        pinToNode(targetNode),
        withResources({ [target.resource]: '1' }),
      );
      evidence.probe = started.started
        ? { pod: 'device-consumer', node: started.pod.spec?.nodeName, resource: target.resource }
        : started;
      return started.started
        ? pass(`a pod was granted 1 ${target.resource} on ${target.node} and is running`, evidence)
        : fail(
            `a pod requesting 1 ${target.resource} on ${target.node} to run`,
            started.reason,
            evidence,
          );
    },
  );

  spec(
    'ra2.k8s.008',
    {
      kind: 'inspect',
      observes:
        'Reads each node’s kubelet configuration for reservedSystemCPUs, systemReserved and kubeReserved, and checks the node reports allocatable cpu and memory below capacity; it reads settings, it does not measure whether system daemons are starved. Virtual nodes (KWOK, virtual-kubelet) have no kubelet configuration and are counted and left out.',
    },
    async (ctx) => {
      const nodes = await ctx.cluster.inventory.nodes();
      // Only kubelet-backed nodes have a kubelet configuration to read.
      const readings = await readKubeletConfigs(
        ctx.cluster.core,
        probeableNodes(nodes).map(nodeName),
      );
      return judgeReservations(nodes, readings);
    },
  );

  spec(
    'ra2.k8s.009',
    {
      kind: 'probe',
      // Takes a scarce node resource (a device, a whole CPU, huge pages): alone, so
      // concurrent checks neither starve it nor change its verdict.
      exclusive: true,
      observes:
        'Reads cpuManagerPolicy in each network-intensive node’s kubelet configuration, then on one such node starts a Guaranteed pod with one integer CPU and a best-effort pod and reads their cgroup cpusets: the Guaranteed pod must have one CPU that the shared pool does not contain.',
    },
    async (ctx) => {
      const nodes = networkIntensiveNodes(await ctx.cluster.inventory.nodes());
      if (nodes.length === 0) return noNetworkIntensiveNode();
      const readings = await readKubeletConfigs(ctx.cluster.core, nodes.map(nodeName));
      // An unreadable configuration is not held against the node: the probe below still decides.
      const notStatic = readings.filter(
        (r) => 'config' in r && r.config.cpuManagerPolicy !== 'static',
      );
      const policies = readings.map((r) =>
        'config' in r ? `${r.node}: ${r.config.cpuManagerPolicy}` : `${r.node}: ${r.error}`,
      );
      if (notStatic.length > 0) {
        return fail(
          'cpuManagerPolicy static on every network-intensive node',
          `not static: ${notStatic.map((r) => r.node).join(', ')}`,
          { cpuManagerPolicy: policies },
        );
      }
      // The behaviour: a Guaranteed pod with one integer CPU gets a CPU nobody else shares.
      const target = nodes[0]!;
      const node = nodeName(target);
      const ns = await ctx.ns();
      const [pinned, shared] = await Promise.all([
        ns.pods.tryStart(
          sleeperPod(ctx, 'guaranteed'),
          pinToNode(target),
          withResources({ cpu: '1', memory: '64Mi' }),
        ),
        ns.pods.tryStart(sleeperPod(ctx, 'best-effort'), pinToNode(target)),
      ]);
      mustAllStart(
        [pinned, shared],
        `a Guaranteed pod (1 CPU) and a best-effort pod to run on ${node}`,
        { cpuManagerPolicy: policies, pinned, shared },
      );
      const cpusetOf = async (pod: string) =>
        parseCgroupReport((await ns.pods.exec(pod, ['sh', '-c', cgroupReadScript])).stdout).cpuset;
      const [pinnedCpus, sharedCpus] = [
        await cpusetOf('guaranteed'),
        await cpusetOf('best-effort'),
      ];
      const overlap = pinnedCpus.filter((cpu) => sharedCpus.includes(cpu));
      const evidence = { node, cpuManagerPolicy: policies, pinnedCpus, sharedCpus, overlap };
      if (pinnedCpus.length !== 1 || overlap.length > 0) {
        return fail(
          'the Guaranteed pod pinned to 1 CPU that is not in the shared pool',
          `guaranteed cpuset [${pinnedCpus.join(',')}], best-effort cpuset [${sharedCpus.join(',')}]`,
          evidence,
        );
      }
      return pass(
        `on ${node} the Guaranteed pod runs alone on CPU ${pinnedCpus[0]}; the shared pool is [${sharedCpus.join(',')}]`,
        evidence,
      );
    },
  );

  spec(
    'ra2.k8s.010',
    {
      kind: 'probe',
      observes:
        'Creates a RequireDualStack ClusterIP Service and checks it is accepted with one IPv4 and one IPv6 ClusterIP, then connects from a client pod to a netexec server behind it over each ClusterIP; the components’ flags and the IPv6DualStack gate (GA, then removed upstream) are not read.',
    },
    async (ctx) => {
      const ns = await ctx.ns();
      const serverLabels = { [roleLabel]: 'dual-stack-server' };
      let service;
      try {
        service = await ns.createService(
          clusterIpService(ctx, 'dual-stack', serverLabels, serverPort),
          requireDualStack,
        );
      } catch (err) {
        if (err instanceof ApiException && (err as ApiException<unknown>).code === 422) {
          const refused = err as ApiException<unknown>;
          return dualStackRefused(refusalMessage(refused.message, refused.body));
        }
        throw err;
      }
      const clusterIPs = service.spec?.clusterIPs ?? [];
      const allocated = dualStackClusterIps(clusterIPs);
      if ('status' in allocated) return allocated;
      const { ipv4, ipv6 } = allocated;
      await ns.pods.createRunning(netexecServerPod(ctx, 'server', serverLabels, serverPort));
      await waitForReadyEndpoints(ctx, ns.name, 'dual-stack', 2);
      await ns.pods.createRunning(sleeperPod(ctx, 'client'));
      const attempts = [
        await reachWithin(ctx, ns, ipv4, serverPort, `the server to answer on ${ipv4}`),
        await reachWithin(ctx, ns, ipv6, serverPort, `the server to answer on ${ipv6}`),
      ];
      return judgeDualStackReach(clusterIPs, allocated, attempts);
    },
  );

  spec(
    'ra2.k8s.011',
    {
      kind: 'inspect',
      observes:
        'Reads the Anuket profile labels on each node (anuket.io/profile-basic and anuket.io/profile-network-intensive, and the spec’s spelling with a slash) and checks every worker carries one with the value "true" and no node carries another value; whether a node meets its profile is not checked here.',
    },
    async (ctx) => {
      return anuketProfileLabels(await ctx.cluster.inventory.nodes());
    },
  );

  spec(
    'ra2.k8s.012b',
    {
      kind: 'inspect',
      observes:
        'Lists the group versions API discovery serves and, through their APIServices, which the API server serves itself; checks none of those is an alpha version (vNalphaM). Group versions of CRDs and aggregated servers are listed, not judged. Alpha feature gates the API server reports enabled in its metrics are listed where the metrics can be read; alpha fields inside GA or beta APIs are not seen.',
    },
    async (ctx) => {
      const { builtIn, notJudged } = splitByOrigin(
        await servedGroupVersions(ctx.cluster.kc),
        await apiOrigins(ctx.cluster.kc),
      );
      const alpha = builtIn
        .filter((gv) => alphaVersion.test(gv.version))
        .map((gv) => gv.groupVersion);
      const evidence = {
        builtIn: builtIn.map((gv) => gv.groupVersion),
        notJudged,
        alpha,
        alphaFeatureGates: await alphaFeatureGatesOf(ctx),
      };
      return alpha.length === 0
        ? pass(
            `none of the ${builtIn.length} group versions the API server serves itself is alpha (${notJudged.length} served by CRDs or aggregated servers not judged)`,
            evidence,
          )
        : fail(
            'no alpha API group versions served',
            `alpha APIs served: ${alpha.join(', ')}`,
            evidence,
          );
    },
  );

  spec(
    'ra2.k8s.013',
    {
      // Writes one object through the API and schedules nothing: still an inspection.
      kind: 'inspect',
      observes:
        'Reads the API server’s minor version (/version) and the group versions API discovery serves, and checks every GA group version the upstream kube-apiserver of that minor serves by default (table in suites/rules/ga-apis.ts for 1.35-1.37; a newer minor is held to the newest table, an older one to the GA versions every supported release serves) is among them. Where a group serves two GA versions it has an object for (autoscaling/v1 and v2: a HorizontalPodAutoscaler), it creates the object in the check’s namespace through the older version, reads it through the newer one, compares the fields both carry and deletes it; a field lost or changed fails, a group without such an object is named in the evidence.',
    },
    async (ctx) => {
      const [{ gitVersion }, servedList] = await Promise.all([
        ctx.cluster.kc.makeApiClient(VersionApi).getCode(),
        servedGroupVersions(ctx.cluster.kc),
      ]);
      const served = new Set(servedList.map((gv) => gv.groupVersion));
      const minor = minorOf(gitVersion);
      if (Number.isNaN(minor))
        return skip(`the API server's version ${gitVersion} names no Kubernetes 1.x minor`);
      const judged = compareWithUpstream(minor, served, requiredGaGroupVersions);
      const { plans, notRoundTripped } = planRoundTrips(servedList);
      const roundTrips: RoundTrip[] = [];
      for (const plan of plans) roundTrips.push(await roundTripHpa(ctx, plan));
      return judgeGaApis({ serverVersion: gitVersion, judged }, roundTrips, notRoundTripped);
    },
  );

  spec(
    'ra2.k8s.014',
    {
      kind: 'probe',
      longWait: true,
      observes:
        'Connects from two client pods to two netexec server pods in one namespace, over each of the servers’ pod IPs: both clients get through to both servers with no policy; then, under a deny-all ingress NetworkPolicy on both servers and an allow rule naming the labelled client’s labels on one, neither gets through to the other server and only the labelled client to the one; blocked counts only after several refused or timed-out attempts in a row. A step that did not settle fails only on a path observed against the policy; one whose only mismatches are paths the probe could not observe (exec calls failed or timed out) or could not confirm blocked in time (too slow) is an error.',
    },
    async (ctx) => {
      const ns = await ctx.ns();
      const serverLabels = { [roleLabel]: 'policy-server' };
      const allowedLabels = { [roleLabel]: 'allowed-client' };
      const [deny, allow] = await Promise.all([
        ns.pods.createRunning(netexecServerPod(ctx, denyServer, serverLabels, serverPort)),
        ns.pods.createRunning(
          netexecServerPod(ctx, allowServer, { ...serverLabels, ...allowServerLabels }, serverPort),
        ),
        ns.pods.createRunning(sleeperPod(ctx, allowedClient), withPodLabels(allowedLabels)),
        ns.pods.createRunning(sleeperPod(ctx, otherClient)),
      ]);
      const scenario = await runPolicyScenario(ctx, ns.pods, {
        serverIps: { deny: podIPs(deny), allow: podIPs(allow) },
        serverLabels,
        allowedLabels,
        port: serverPort,
      });
      return judgePolicyScenario(scenario);
    },
  );

  spec(
    'ra2.k8s.015',
    {
      kind: 'probe',
      longWait: true,
      observes:
        'Creates a LoadBalancer Service in front of a netexec server, waits for an address in its status, and connects to the server through that address from a client pod inside the cluster; reachability from outside the cluster is not observed.',
    },
    async (ctx) => {
      const { ns, service } = await serverBehindService(ctx, 'lb', ofType('LoadBalancer'));
      const published = await waitForLoadBalancerAddress(ctx, ns, 'lb');
      const evidence: Record<string, unknown> = {
        service: `${ns.name}/lb`,
        clusterIPs: service.spec?.clusterIPs,
        status: published.last.status,
        waitedSeconds: Math.round(published.waitedMs / 1000),
      };
      if (!published.address) {
        return fail(
          `a LoadBalancer Service to get an address within ${Math.round(ctx.timeouts.loadBalancer / 1000)}s`,
          'no LoadBalancer implementation assigned an address',
          evidence,
        );
      }
      const address = published.address;
      const attempt = await reachWithin(
        ctx,
        ns,
        address,
        serverPort,
        `the server to answer through ${address}`,
      );
      evidence.attempt = attempt;
      return attempt.reachable
        ? pass(`the Service got ${address}; a client pod reached the server through it`, evidence)
        : fail(
            `the server to be reachable through the load-balancer address ${address}`,
            `${attempt.target}: exit ${attempt.exitCode} ${attempt.detail}`,
            evidence,
          );
    },
  );

  spec(
    'ra2.k8s.016',
    {
      kind: 'probe',
      observes:
        'Creates an Ingress of the default (else the first) IngressClass routing a host name to a Service, waits for the controller to publish an address, and sends an HTTP GET with that Host header from a client pod to the address, expecting the backend pod’s answer.',
    },
    async (ctx) => {
      const classes = await ingressClasses(ctx);
      const chosen = chooseIngressClass(classes);
      const evidence: Record<string, unknown> = {
        ingressClasses: classes.map(
          (c) => `${c.metadata?.name ?? ''} (controller ${c.spec?.controller ?? '?'})`,
        ),
      };
      if (!chosen) {
        return fail(
          'an IngressClass served by an ingress controller',
          'no IngressClass exists in the cluster',
          evidence,
        );
      }
      const className = chosen.metadata?.name ?? '';
      const { ns } = await serverBehindService(ctx, 'web');
      const host = `ra2-probe.${ns.name}.invalid`;
      await ns.createIngress(
        hostPathIngress('web', className, { host, path: '/', service: 'web', port: serverPort }),
      );
      const published = await waitForIngressAddress(ctx, ns, 'web');
      Object.assign(evidence, { ingressClass: className, host, status: published.last.status });
      if (!published.address) {
        return fail(
          `the ingress controller of class ${className} to publish an address for the Ingress`,
          'the Ingress got no address',
          evidence,
        );
      }
      const url = `http://${hostPort(published.address, 80)}/hostname`;
      const got = await attemptUntil(
        ctx,
        `${url} with Host ${host} to answer from the server`,
        () => tryHttpGet(ns.pods, 'client', url, { host }),
        (a) => a.status === 200 && a.body === 'server',
        ctx.timeouts.serviceEndpoints,
      );
      evidence.attempt = got.last;
      return got.ok
        ? pass(
            `Ingress of class ${className} routed ${host}/ to the server through ${published.address}`,
            evidence,
          )
        : fail(
            `GET ${url} with Host ${host} to answer 200 "server"`,
            `status ${got.last.status}, body "${got.last.body}", ${got.last.detail}`,
            evidence,
          );
    },
  );

  spec(
    'ra2.k8s.017',
    {
      kind: 'probe',
      observes:
        'Creates a NodePort Service in front of a netexec server and connects from a client pod to the allocated port on the InternalIP (of the Service’s first IP family) of the worker nodes: one per role, profile, zone and instance type (every worker with --all-nodes, never a virtual node, a bounded number at a time); only in-cluster clients are used.',
    },
    async (ctx) => {
      const { ns, service } = await serverBehindService(ctx, 'node-port', ofType('NodePort'));
      const family = service.spec?.ipFamilies?.[0] ?? 'IPv4';
      // No kube-proxy answers for a virtual node, and a thousand workers are not tried one by one.
      const sample = sampleNodes(workers(await ctx.cluster.inventory.nodes()), {
        allNodes: ctx.allNodes,
        profileOf: profileLabelOf,
      });
      const targets = nodePortTargets(sample.nodes, family);
      const nodePort = usableNodePort(service.spec, family, targets);
      if (typeof nodePort !== 'number') return nodePort;
      const attempts = await mapBounded(targets, defaultProbeConcurrency, async (target) => {
        const description = `the server to answer on ${target.node} ${hostPort(target.ip, nodePort)}`;
        return {
          node: target.node,
          ...(await reachWithin(ctx, ns, target.ip, nodePort, description)),
        };
      });
      return judgeNodePortReach(nodePort, attempts, sample.note);
    },
  );

  spec(
    'ra2.k8s.018',
    {
      kind: 'probe',
      observes:
        'Creates an ExternalName Service naming another Service’s cluster DNS name, checks with nslookup in a client pod that it resolves as a CNAME of that name, and sends an HTTP GET through it that the backend pod must answer.',
    },
    async (ctx) => {
      const { ns } = await serverBehindService(ctx, 'backend');
      const resolv = await ns.pods.exec('client', ['cat', '/etc/resolv.conf']);
      const domain = clusterDomainFromResolvConf(resolv.stdout, ns.name);
      if (!domain) {
        return fail(
          `a search domain ${ns.name}.svc.<cluster domain> in the pod's resolv.conf`,
          resolv.stdout.trim(),
        );
      }
      const backend = `backend.${ns.name}.svc.${domain}`;
      await ns.createService({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'alias' },
        spec: { type: 'ExternalName', externalName: backend },
      });
      const alias = `alias.${ns.name}.svc.${domain}`;
      const resolved = await attemptUntil(
        ctx,
        `${alias} to resolve to the CNAME ${backend}`,
        () => ns.pods.exec('client', ['nslookup', alias]),
        (r) => resolvesAsCname(r.stdout, backend),
        ctx.timeouts.serviceEndpoints,
      );
      const unresolved = externalNameUnresolved(alias, backend, resolved.last);
      if (unresolved) return unresolved;
      const url = `http://${alias}:${serverPort}/hostname`;
      const got = await attemptUntil(
        ctx,
        `${url} to answer from the backend`,
        () => tryHttpGet(ns.pods, 'client', url),
        answeredByServer,
        ctx.timeouts.serviceEndpoints,
      );
      const evidence = { ...nslookupEvidence(backend, resolved.last.stdout), attempt: got.last };
      return judgeExternalNameHttp(alias, backend, url, got.last, evidence);
    },
  );

  spec(
    'ra2.k8s.019',
    {
      kind: 'inspect',
      observes:
        'For each beta group version the API server serves itself (its APIService is built in), lists its resources and those of the GA versions of the same group: a resource served at both a beta and a GA version fails; CRDs and aggregated servers are not judged; resources renamed between versions are not matched.',
    },
    async (ctx) => {
      const split = splitByOrigin(
        await servedGroupVersions(ctx.cluster.kc),
        await apiOrigins(ctx.cluster.kc),
      );
      return judgeBetaApis(split, (groupVersion) => resourcesOf(ctx.cluster.kc, groupVersion));
    },
  );
});

/**
 * Zones are those named on any node; a cluster whose nodes carry no zone
 * label is one unnamed zone. Each zone needs at least one node of the role.
 */
/**
 * ra2.k8s.013's round trip: a HorizontalPodAutoscaler created in the check's
 * namespace (labelled with the run) through autoscaling/v1, read through
 * autoscaling/v2, then deleted; the namespace's removal catches it if a step throws.
 */
async function roundTripHpa(ctx: CheckContext, plan: RoundTripPlan): Promise<RoundTrip> {
  const namespace = (await ctx.ns()).name;
  const body = roundTripHpaV1({ ...ctx.labels });
  const name = roundTripName;
  const v1 = ctx.cluster.kc.makeApiClient(AutoscalingV1Api);
  const created = await v1.createNamespacedHorizontalPodAutoscaler({ namespace, body });
  ctx.log(`Created ${plan.kind} ${namespace}/${name} through ${plan.wroteThrough}`);
  const read = await ctx.cluster.kc
    .makeApiClient(AutoscalingV2Api)
    .readNamespacedHorizontalPodAutoscaler({ name, namespace });
  ctx.log(`Read ${plan.kind} ${namespace}/${name} through ${plan.readThrough}`);
  await v1.deleteNamespacedHorizontalPodAutoscaler({ name, namespace });
  ctx.log(`Deleted ${plan.kind} ${namespace}/${name}`);
  const written = hpaFieldsV1(body);
  const readBack = hpaFieldsV2(read);
  return {
    ...plan,
    object: `${namespace}/${created.metadata?.name ?? name}`,
    written,
    read: readBack,
    differences: roundTripDifferences(written, readBack),
    deleted: true,
  };
}

/** Nodes, the API server endpoints and the two leader leases: the control plane as any client sees it. */
async function controlPlaneApiView(ctx: CheckContext) {
  const [nodes, endpoints, leases] = await Promise.all([
    ctx.cluster.inventory.nodes(),
    apiServerEndpoints(ctx.cluster.kc),
    observeLeaderLeases(ctx.cluster.kc, {
      maxWatchMs: leaseWatchMs,
      log: (line) => ctx.log(line),
      signal: ctx.signal,
    }),
  ]);
  return { nodes, endpoints, leases };
}

/** A leader renews every few seconds; a lease's default duration is 15 s. */
const leaseWatchMs = 20_000;

function etcdVerdict(judged: EtcdJudgement, evidence: Record<string, unknown>) {
  return judged.ok
    ? pass(
        `${judged.voting} voting etcd members (${judged.countedFrom}), none on a worker node`,
        evidence,
      )
    : fail(
        'etcd of 3, 5 or 7 members, none on a worker node',
        judged.problems.join('; '),
        evidence,
      );
}

/** ra2.k8s.002 without kubeadm's etcd pods: OpenShift's pods, the etcd node role, the API server's flags. */
async function etcdFromOtherTraces(ctx: CheckContext, nodes: readonly V1Node[]) {
  const apiServers = (
    await ctx.cluster.core.listNamespacedPod({
      namespace: 'kube-system',
      labelSelector: 'component=kube-apiserver',
    })
  ).items;
  const seen = await observeEtcdElsewhere(ctx.cluster.core, nodes, apiServers);
  const evidence = {
    openshiftEtcdPods: seen.openshiftPods.map(
      (p) => `${p.metadata?.name ?? ''} on ${p.spec?.nodeName ?? '?'}`,
    ),
    etcdRoleNodes: seen.etcdRoleNodes,
    apiServerEtcdServers: seen.apiServerEtcdServers.map((a) => `${a.pod}: ${a.servers.join(',')}`),
  };
  const judged = judgeEtcdElsewhere(seen, nodes);
  if (!judged)
    return skip(
      `etcd not observed (external or managed): looked for ${etcdLookedFor.join('; ')}; attest its member count and placement`,
      evidence,
    );
  return etcdVerdict(judged, {
    ...evidence,
    countedFrom: judged.countedFrom,
    votingMembers: judged.voting,
  });
}

const roleLabel = 'ra2.anuket.io/role';
const serverPort = 8080;

/**
 * An agnhost netexec pod named "server" behind a Service of `name` (ClusterIP
 * unless tweaked), and a sleeper pod named "client", all Running and the
 * Service with a ready endpoint.
 */
async function serverBehindService(
  ctx: CheckContext,
  name: string,
  ...tweaks: Tweak<V1Service>[]
): Promise<{ ns: NamespaceHandle; service: V1Service }> {
  const ns = await ctx.ns();
  const labels = { [roleLabel]: `${name}-server` };
  const service = await ns.createService(
    clusterIpService(ctx, name, labels, serverPort),
    ...tweaks,
  );
  await Promise.all([
    ns.pods.createRunning(netexecServerPod(ctx, 'server', labels, serverPort)),
    ns.pods.createRunning(sleeperPod(ctx, 'client')),
  ]);
  await waitForReadyEndpoints(ctx, ns.name, name, 1);
  return { ns, service };
}

function ofType(type: 'LoadBalancer' | 'NodePort'): Tweak<V1Service> {
  return (service) => {
    service.spec!.type = type;
  };
}

const requireDualStack: Tweak<V1Service> = (service) => {
  service.spec = {
    ...service.spec,
    ipFamilyPolicy: 'RequireDualStack',
    ipFamilies: ['IPv4', 'IPv6'],
  };
};

/**
 * Connects from the "client" pod to host:port until the server is reached or
 * the endpoints deadline passes (the data path may lag the API), and returns
 * the last attempt. If that attempt could not observe the network (the exec
 * failed, agnhost never tried), the row cannot be judged: it throws.
 */
async function reachWithin(
  ctx: CheckContext,
  ns: NamespaceHandle,
  host: string,
  port: number,
  description: string,
): Promise<ConnectAttempt> {
  const { last } = await attemptUntil(
    ctx,
    description,
    () => observeConnect(ns.pods, 'client', host, port),
    (attempt) => attempt.reachable,
    ctx.timeouts.serviceEndpoints,
  );
  if (last.outcome === 'not-observed')
    throw new Error(`could not observe whether the client reaches ${last.target}: ${last.detail}`);
  return last;
}

/** "search ns.svc.cluster.local svc.cluster.local ..." -> "cluster.local" */
export function clusterDomainFromResolvConf(
  resolvConf: string,
  namespace: string,
): string | undefined {
  const prefix = `${namespace}.svc.`;
  for (const line of resolvConf.split('\n')) {
    const words = line.trim().split(/\s+/);
    if (words[0] !== 'search') continue;
    const entry = words.slice(1).find((w) => w.startsWith(prefix));
    if (entry) return entry.slice(prefix.length).replace(/\.$/, '');
  }
  return undefined;
}

function networkIntensiveNodes(nodes: readonly V1Node[]): V1Node[] {
  return nodes.filter((n) => hasProfile(n, 'network-intensive'));
}

function noNetworkIntensiveNode() {
  const keys = profileLabelKeys('network-intensive');
  return fail(
    `worker nodes for network-intensive workloads, labelled ${keys[0]}=true`,
    `no node is labelled ${keys.join(' or ')}=true`,
  );
}

/**
 * Judges each node's kubelet configuration with `problemsOf`; a node whose
 * configuration cannot be read makes the check skip unless another node already fails it.
 */
function judgeKubeletConfigs(
  readings: readonly KubeletConfigReading[],
  expected: string,
  problemsOf: (config: KubeletConfig) => string[],
  show: (config: KubeletConfig) => Record<string, unknown>,
) {
  const perNode = readings.map((r) =>
    'config' in r
      ? { node: r.node, ...show(r.config), problems: problemsOf(r.config) }
      : { node: r.node, unreadable: r.error, problems: [] as string[] },
  );
  const evidence = { nodes: perNode };
  const failing = perNode.filter((n) => n.problems.length > 0);
  if (failing.length > 0) {
    return fail(
      expected,
      failing.map((n) => `${n.node}: ${n.problems.join(', ')}`).join('; '),
      evidence,
    );
  }
  const unreadable = readings.filter((r) => 'error' in r);
  if (unreadable.length > 0) {
    return skip(
      `kubelet configuration not readable through the node proxy on ${unreadable.map((r) => r.node).join(', ')}`,
      evidence,
    );
  }
  return pass(`${readings.length} node(s) have ${expected.replace(/ on every .*$/, '')}`, evidence);
}

/**
 * What the kubelet holds back for system and Kubernetes daemons (ra2.k8s.008):
 * reservedSystemCPUs, or a cpu entry in systemReserved or kubeReserved,
 * reserves CPU; any entry reserves something.
 */
export function reservationsOf(config: KubeletConfig): {
  reservedSystemCPUs: string;
  systemReserved: Record<string, string>;
  kubeReserved: Record<string, string>;
  reservesCpu: boolean;
  reservesAnything: boolean;
} {
  const reservesCpu =
    config.reservedSystemCPUs !== '' ||
    config.systemReserved.cpu !== undefined ||
    config.kubeReserved.cpu !== undefined;
  return {
    reservedSystemCPUs: config.reservedSystemCPUs,
    systemReserved: config.systemReserved,
    kubeReserved: config.kubeReserved,
    reservesCpu,
    reservesAnything:
      reservesCpu ||
      Object.keys(config.systemReserved).length > 0 ||
      Object.keys(config.kubeReserved).length > 0,
  };
}

/** Reservations of one node: what its kubelet configuration reserves and what the node reports. */
export function reservationOfNode(node: V1Node, readings: readonly KubeletConfigReading[]) {
  const name = nodeName(node);
  const reading = readings.find((r) => r.node === name);
  const quantity = (map: Record<string, string> | undefined, key: string) =>
    map?.[key] !== undefined ? parseQuantity(map[key]) : NaN;
  const capacity = node.status?.capacity;
  const allocatable = node.status?.allocatable;
  const cpu = { capacity: capacity?.cpu, allocatable: allocatable?.cpu };
  const memory = { capacity: capacity?.memory, allocatable: allocatable?.memory };
  const problems: string[] = [];
  let reservations: Record<string, unknown>;
  if (reading && 'config' in reading) {
    const r = reservationsOf(reading.config);
    reservations = {
      reservedSystemCPUs: r.reservedSystemCPUs,
      systemReserved: r.systemReserved,
      kubeReserved: r.kubeReserved,
    };
    if (!r.reservesAnything)
      problems.push(
        'no reservedSystemCPUs, systemReserved or kubeReserved in the kubelet configuration',
      );
  } else {
    reservations = {
      unreadable: reading && 'error' in reading ? reading.error : 'not read',
    };
  }
  if (!(quantity(allocatable, 'cpu') < quantity(capacity, 'cpu')))
    problems.push(
      `allocatable cpu ${cpu.allocatable ?? '?'} not below capacity ${cpu.capacity ?? '?'}`,
    );
  if (!(quantity(allocatable, 'memory') < quantity(capacity, 'memory')))
    problems.push(
      `allocatable memory ${memory.allocatable ?? '?'} not below capacity ${memory.capacity ?? '?'}`,
    );
  return { node: name, ...reservations, cpu, memory, problems };
}

/**
 * ra2.k8s.008 over the kubelet-backed nodes. Virtual nodes (KWOK, virtual-kubelet) have no
 * kubelet configuration and report allocatable equal to capacity by construction: they are
 * counted and left out, never passed.
 */
export function judgeReservations(
  nodes: readonly V1Node[],
  readings: readonly KubeletConfigReading[],
): Verdict {
  const { judged, virtualLeftOut, note, onlyVirtual } = leaveOutVirtualNodes(nodes);
  const perNode = judged.map((node) => reservationOfNode(node, readings));
  const evidence = { nodes: perNode, ...(virtualLeftOut ? { virtualLeftOut } : {}) };
  if (nodes.length === 0) return skip('nothing to judge: the API lists no node');
  if (onlyVirtual) return skip(`nothing to judge: ${onlyVirtual}`, evidence);
  const short = perNode.filter((n) => n.problems.length > 0);
  return short.length === 0
    ? pass(
        `all ${perNode.length} nodes reserve CPU and memory for system daemons (allocatable < capacity)${note}`,
        evidence,
      )
    : fail(
        'on every node, kubelet reservations (reservedSystemCPUs, systemReserved or kubeReserved) and allocatable below capacity for cpu and memory',
        `${short.map((n) => `${n.node}: ${n.problems.join(', ')}`).join('; ')}${note}`,
        evidence,
      );
}

/**
 * Every worker carries the basic and/or network-intensive profile label with
 * the value "true" (see helpers/anuket-profiles.ts for the key's spelling); no
 * node carries a profile label with another value.
 */
export function anuketProfileLabels(nodes: readonly V1Node[]) {
  const perNode = nodes.map((node) => {
    const labels = node.metadata?.labels ?? {};
    const profileLabels = Object.fromEntries(
      Object.entries(labels).filter(([k]) => isProfileLabelKey(k)),
    );
    return {
      node: nodeName(node),
      worker: !isControlPlane(node),
      profiles: anuketProfiles.filter((p) => hasProfile(node, p)),
      badValues: Object.entries(profileLabels)
        .filter(([, v]) => v !== 'true')
        .map(([k, v]) => `${k}=${v}`),
      profileLabels,
    };
  });
  const unlabelled = perNode.filter((n) => n.worker && n.profiles.length === 0).map((n) => n.node);
  const bad = perNode.filter((n) => n.badValues.length > 0);
  const evidence = {
    nodes: perNode.map(({ node, worker, profileLabels }) => ({ node, worker, profileLabels })),
  };
  const problems = [
    ...(unlabelled.length > 0 ? [`workers without a profile label: ${unlabelled.join(', ')}`] : []),
    ...bad.map((n) => `${n.node}: ${n.badValues.join(', ')}`),
  ];
  const workerCount = perNode.filter((n) => n.worker).length;
  if (workerCount === 0)
    return fail('labelled worker nodes', 'the cluster lists no worker node', evidence);
  return problems.length === 0
    ? pass(
        `all ${workerCount} workers carry a profile label: ${perNode
          .filter((n) => n.worker)
          .map((n) => `${n.node} (${n.profiles.join(', ')})`)
          .join('; ')}`,
        evidence,
      )
    : fail(
        `every worker labelled ${profileLabelKeys('basic')[0]}=true and/or ${profileLabelKeys('network-intensive')[0]}=true, with the value "true"`,
        problems.join('; '),
        evidence,
      );
}
