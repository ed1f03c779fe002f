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
 * The dual-stack probe puts the server behind a RequireDualStack Service so
 * both the allocation of two ClusterIPs and the data path through each family
 * are observed.
 */
import { isIPv4, isIPv6 } from 'node:net';
import {
  ApiException,
  VersionApi,
  type V1Node,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';
import type { CheckContext } from '../helpers/framework/context.js';
import { cgroupReadScript, parseCgroupReport } from '../helpers/probes/cgroup.js';
import {
  alphaVersion,
  betaVersion,
  gaVersion,
  resourcesOf,
  servedGroupVersions,
} from '../helpers/k8s/discovery.js';
import { oneLine } from '../helpers/k8s/errors.js';
import {
  etcdMembers,
  etcdNamespace,
  etcdSelector,
  judgeEtcd,
  type EtcdMember,
} from '../helpers/probes/etcd.js';
import { extendedResources } from '../helpers/k8s/extended-resources.js';
import { AGNHOST } from '../helpers/probes/agnhost.js';
import { allowedClient, otherClient, runPolicyScenario } from '../helpers/probes/network-policy.js';
import {
  attemptUntil,
  hostPort,
  netexecServerPod,
  tryConnect,
  tryHttpGet,
} from '../helpers/probes/netexec.js';
import { PodJig, restrictedPod, sleeperPod } from '../helpers/probes/pod.js';
import { tryStart } from '../helpers/probes/pod-start.js';
import {
  chooseIngressClass,
  hostPathIngress,
  IngressJig,
  waitForLoadBalancerAddress,
} from '../helpers/probes/publishing.js';
import {
  createService,
  clusterIpService,
  waitForReadyEndpoints,
} from '../helpers/probes/service.js';
import {
  gateEnabled,
  readKubeletConfigs,
  reservationsOf,
  type KubeletConfig,
  type KubeletConfigReading,
} from '../helpers/k8s/kubelet-config.js';
import {
  anuketProfiles,
  hasProfile,
  isProfileLabelKey,
  profileLabelKeys,
} from '../catalog/profiles.js';
import { kubeletSkew, supportedMinors, supportStatus } from './rules/kubernetes-releases.js';
import {
  controlPlanes,
  isControlPlane,
  listNodes,
  nodeName,
  nodesByZone,
  workers,
} from '../helpers/k8s/nodes.js';
import { parseQuantity } from '../helpers/k8s/quantity.js';
import { defineSuite } from '../helpers/framework/registry.js';
import { fail, pass, skip } from '../helpers/framework/result.js';

/** GA group versions every supported Kubernetes release serves. */
export const requiredGaGroupVersions = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1',
  'apps/v1',
  'authentication.k8s.io/v1',
  'authorization.k8s.io/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'batch/v1',
  'certificates.k8s.io/v1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'events.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1',
  'networking.k8s.io/v1',
  'node.k8s.io/v1',
  'policy/v1',
  'rbac.authorization.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1',
];

export default defineSuite('kubernetes', (spec) => {
  spec('ra2.k8s.001', { kind: 'attest' });
  spec('ra2.k8s.002', { kind: 'inspect' }, async (ctx) => {
    const nodes = await listNodes(ctx.cluster.core);
    const pods = (
      await ctx.cluster.core.listNamespacedPod({
        namespace: etcdNamespace,
        labelSelector: etcdSelector,
      })
    ).items;
    if (pods.length === 0) {
      return skip(
        'etcd not visible from the API (external or managed); attest its member count and placement',
        { namespace: etcdNamespace, labelSelector: etcdSelector },
      );
    }
    // etcd's own member list also counts members the API shows no pod for (external ones).
    let members: EtcdMember[] | undefined;
    let memberListError: string | undefined;
    const running = pods.find((p) => p.status?.phase === 'Running');
    if (running) {
      try {
        members = await etcdMembers(ctx.cluster.kc, running, ctx.timeouts.exec);
      } catch (err) {
        memberListError = oneLine(err);
      }
    }
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
  });

  spec('ra2.k8s.003', { kind: 'inspect' }, async (ctx) => {
    return atLeastOnePerZone(await listNodes(ctx.cluster.core), 'control-plane', controlPlanes);
  });

  spec('ra2.k8s.012a', { kind: 'inspect' }, async (ctx) => {
    const nodes = await listNodes(ctx.cluster.core);
    const pods = (
      await ctx.cluster.core.listNamespacedPod({
        namespace: 'kube-system',
        labelSelector: `component in (${controlPlaneServices.join(',')})`,
      })
    ).items;
    if (pods.length === 0) {
      return skip(
        'control-plane services are not visible as pods (managed control plane, or run outside Kubernetes); attest them',
        { controlPlaneNodes: controlPlanes(nodes).map(nodeName) },
      );
    }
    return controlPlaneServicesPerNode(nodes, pods);
  });

  spec('ra2.k8s.004', { kind: 'inspect' }, async (ctx) => {
    return atLeastOnePerZone(await listNodes(ctx.cluster.core), 'worker', workers);
  });

  spec('ra2.k8s.005', { kind: 'inspect' }, async (ctx) => {
    const { gitVersion } = await ctx.cluster.kc.makeApiClient(VersionApi).getCode();
    const support = supportStatus(gitVersion, new Date());
    const kubelets = (await listNodes(ctx.cluster.core)).map((node) => {
      const version = node.status?.nodeInfo?.kubeletVersion ?? '';
      let skew: { ok: boolean; minorsBehind: number };
      try {
        skew = kubeletSkew(gitVersion, version);
      } catch {
        skew = { ok: false, minorsBehind: NaN };
      }
      return { node: nodeName(node), kubeletVersion: version, ...skew };
    });
    const evidence = {
      apiServer: gitVersion,
      support,
      supportTable: supportedMinors,
      supportTableSource: 'https://kubernetes.io/releases/ (end-of-life dates)',
      kubelets,
    };
    const skewed = kubelets.filter((k) => !k.ok);
    const problems = [
      ...(support.status === 'unsupported' ? [support.reason] : []),
      ...skewed.map(
        (k) => `kubelet ${k.kubeletVersion || '(none)'} on ${k.node} is outside the supported skew`,
      ),
    ];
    if (problems.length > 0) {
      return fail(
        'an upstream-supported Kubernetes minor, and kubelets at most 3 minors older than the API server',
        problems.join('; '),
        evidence,
      );
    }
    if (support.status !== 'supported') return skip(support.reason, evidence);
    return pass(
      `${gitVersion} is supported until ${support.endOfLife} (${support.daysLeft} days); ${kubelets.length} kubelets within skew`,
      evidence,
    );
  });
  spec('ra2.k8s.006', { kind: 'inspect' }, async (ctx) => {
    const nodes = networkIntensiveNodes(await listNodes(ctx.cluster.core));
    if (nodes.length === 0) return noNetworkIntensiveNode();
    const readings = await readKubeletConfigs(ctx.cluster.core, nodes.map(nodeName));
    return judgeKubeletConfigs(
      readings,
      'the TopologyManager and CPUManager enabled with topologyManagerPolicy single-numa-node and cpuManagerPolicy static on every network-intensive node',
      (config) => {
        const problems: string[] = [];
        if (!gateEnabled(config, 'TopologyManager')) problems.push('TopologyManager gate disabled');
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
  });

  spec('ra2.k8s.007', { kind: 'probe' }, async (ctx) => {
    const nodes = networkIntensiveNodes(await listNodes(ctx.cluster.core));
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
    if (!target) {
      return fail(
        'a device plugin advertising an extended resource on a network-intensive node',
        `no extended resource is allocatable on ${nodes.map(nodeName).join(', ')}`,
        evidence,
      );
    }
    // A pod granted one device proves the kubelet's device plugin API allocates it.
    const jig = await PodJig.inCheckNamespace(ctx);
    const started = await tryStart(jig, sleeperPod(ctx, 'device-consumer'), (pod) => {
      pod.spec!.nodeSelector = { 'kubernetes.io/hostname': target.node };
      pod.spec!.containers[0]!.resources = {
        requests: { [target.resource]: '1' },
        limits: { [target.resource]: '1' },
      };
    });
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
  });

  spec('ra2.k8s.008', { kind: 'inspect' }, async (ctx) => {
    const nodes = await listNodes(ctx.cluster.core);
    const readings = await readKubeletConfigs(ctx.cluster.core, nodes.map(nodeName));
    const perNode = nodes.map((node) => reservationOfNode(node, readings));
    const short = perNode.filter((n) => n.problems.length > 0);
    const evidence = { nodes: perNode };
    return short.length === 0
      ? pass(
          `all ${perNode.length} nodes reserve CPU and memory for system daemons (allocatable < capacity)`,
          evidence,
        )
      : fail(
          'on every node, kubelet reservations (reservedSystemCPUs, systemReserved or kubeReserved) and allocatable below capacity for cpu and memory',
          short.map((n) => `${n.node}: ${n.problems.join(', ')}`).join('; '),
          evidence,
        );
  });

  spec('ra2.k8s.009', { kind: 'probe' }, async (ctx) => {
    const nodes = networkIntensiveNodes(await listNodes(ctx.cluster.core));
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
    const node = nodeName(nodes[0]!);
    const jig = await PodJig.inCheckNamespace(ctx);
    const onNode = (pod: V1Pod) => {
      pod.spec!.nodeSelector = { 'kubernetes.io/hostname': node };
    };
    const [pinned, shared] = await Promise.all([
      tryStart(jig, sleeperPod(ctx, 'guaranteed'), (pod) => {
        onNode(pod);
        pod.spec!.containers[0]!.resources = {
          requests: { cpu: '1', memory: '64Mi' },
          limits: { cpu: '1', memory: '64Mi' },
        };
      }),
      tryStart(jig, sleeperPod(ctx, 'best-effort'), onNode),
    ]);
    if (!pinned.started || !shared.started) {
      return fail(
        `a Guaranteed pod (1 CPU) and a best-effort pod to run on ${node}`,
        [pinned, shared].flatMap((s) => (s.started ? [] : [`${s.name}: ${s.reason}`])).join('; '),
        { cpuManagerPolicy: policies, pinned, shared },
      );
    }
    const cpusetOf = async (pod: string) =>
      parseCgroupReport((await jig.exec(pod, ['sh', '-c', cgroupReadScript])).stdout).cpuset;
    const [pinnedCpus, sharedCpus] = [await cpusetOf('guaranteed'), await cpusetOf('best-effort')];
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
  });

  spec('ra2.k8s.010', { kind: 'probe' }, async (ctx) => {
    const jig = await PodJig.inCheckNamespace(ctx);
    const serverLabels = { 'ra2.anuket.io/role': 'dual-stack-server' };
    const port = 8080;
    let service;
    try {
      service = await createService(
        ctx,
        jig.namespace,
        clusterIpService(ctx, 'dual-stack', serverLabels, port),
        (s) => {
          s.spec = { ...s.spec, ipFamilyPolicy: 'RequireDualStack', ipFamilies: ['IPv4', 'IPv6'] };
        },
      );
    } catch (err) {
      if (err instanceof ApiException && (err as ApiException<unknown>).code === 422) {
        return fail(
          'a Service with ipFamilyPolicy RequireDualStack to be accepted',
          `rejected: ${String((err as Error).message).split('\n')[0]}`,
        );
      }
      throw err;
    }
    const clusterIPs = service.spec?.clusterIPs ?? [];
    const ipv4 = clusterIPs.find((ip) => isIPv4(ip));
    const ipv6 = clusterIPs.find((ip) => isIPv6(ip));
    if (!ipv4 || !ipv6) {
      return fail(
        'two ClusterIPs, one IPv4 and one IPv6',
        `clusterIPs ${JSON.stringify(clusterIPs)}`,
        { clusterIPs },
      );
    }

    await jig.createAndWaitRunning(restrictedPod(ctx, 'server', []), (pod) => {
      const container = pod.spec!.containers[0]!;
      delete container.command;
      container.args = ['netexec', `--http-port=${port}`];
      pod.metadata!.labels = { ...pod.metadata!.labels, ...serverLabels };
    });
    await waitForReadyEndpoints(ctx, jig.namespace, 'dual-stack', 2);
    await jig.createAndWaitRunning(sleeperPod(ctx, 'client'));

    const reach = async (ip: string) => {
      const target = isIPv6(ip) ? `[${ip}]:${port}` : `${ip}:${port}`;
      const result = await jig.exec('client', [AGNHOST, 'connect', '--timeout=5s', target]);
      return { target, exitCode: result.exitCode, stderr: result.stderr.trim() };
    };
    const attempts = [await reach(ipv4), await reach(ipv6)];
    const evidence = { clusterIPs, attempts };
    const unreachable = attempts.filter((a) => a.exitCode !== 0);
    return unreachable.length === 0
      ? pass(`service got ${ipv4} and ${ipv6}; the client reached the server over both`, evidence)
      : fail(
          'the server to be reachable through the service over IPv4 and IPv6',
          unreachable.map((a) => `${a.target}: exit ${a.exitCode} ${a.stderr}`).join('; '),
          evidence,
        );
  });

  spec('ra2.k8s.011', { kind: 'inspect' }, async (ctx) => {
    return anuketProfileLabels(await listNodes(ctx.cluster.core));
  });

  spec('ra2.k8s.012b', { kind: 'inspect' }, async (ctx) => {
    const served = await servedGroupVersions(ctx.cluster.kc);
    const alpha = served.filter((gv) => alphaVersion.test(gv.version)).map((gv) => gv.groupVersion);
    const evidence = { served: served.map((gv) => gv.groupVersion), alpha };
    return alpha.length === 0
      ? pass(`none of the ${served.length} served group versions is alpha`, evidence)
      : fail(
          'no alpha API group versions served',
          `alpha APIs served: ${alpha.join(', ')}`,
          evidence,
        );
  });

  spec('ra2.k8s.013', { kind: 'inspect' }, async (ctx) => {
    const served = new Set(
      (await servedGroupVersions(ctx.cluster.kc)).map((gv) => gv.groupVersion),
    );
    const missing = requiredGaGroupVersions.filter((gv) => !served.has(gv));
    const evidence = { required: requiredGaGroupVersions, missing };
    return missing.length === 0
      ? pass(`all ${requiredGaGroupVersions.length} GA group versions are served`, evidence)
      : fail('every GA group version to be served', `not served: ${missing.join(', ')}`, evidence);
  });

  spec('ra2.k8s.014', { kind: 'probe' }, async (ctx) => {
    const jig = await PodJig.inCheckNamespace(ctx);
    const serverLabels = { [roleLabel]: 'policy-server' };
    const allowedLabels = { [roleLabel]: 'allowed-client' };
    const [server] = await Promise.all([
      jig.createAndWaitRunning(netexecServerPod(ctx, 'server', serverLabels, serverPort)),
      jig.createAndWaitRunning(sleeperPod(ctx, allowedClient), (pod) => {
        pod.metadata!.labels = { ...pod.metadata!.labels, ...allowedLabels };
      }),
      jig.createAndWaitRunning(sleeperPod(ctx, otherClient)),
    ]);
    const scenario = await runPolicyScenario(ctx, jig, {
      serverIps: (server.status?.podIPs ?? []).map((ip) => ip.ip),
      serverLabels,
      allowedLabels,
      port: serverPort,
    });
    const evidence = { serverIps: scenario.serverIps, steps: scenario.steps };
    return scenario.failedStep
      ? fail(
          'NetworkPolicy to be enforced at each step: open, deny-all, allow for the labelled client',
          `${scenario.failedStep.name}: ${scenario.failedStep.mismatched.join('; ')}`,
          evidence,
        )
      : pass(
          `NetworkPolicy enforced on ${scenario.serverIps.join(' and ')}: open without policy, closed by deny-all, opened by an allow rule for the labelled client only`,
          evidence,
        );
  });

  spec('ra2.k8s.015', { kind: 'probe' }, async (ctx) => {
    const { jig, service } = await serverBehindService(ctx, 'lb', (s) => {
      s.spec!.type = 'LoadBalancer';
    });
    const published = await waitForLoadBalancerAddress(ctx, jig.namespace, 'lb');
    const evidence: Record<string, unknown> = {
      service: `${jig.namespace}/lb`,
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
    const reached = await attemptUntil(
      ctx,
      `the server to answer through ${address}`,
      () => tryConnect(jig, 'client', address, serverPort),
      (a) => a.reachable,
      ctx.timeouts.serviceEndpoints,
    );
    evidence.attempt = reached.last;
    return reached.ok
      ? pass(`the Service got ${address}; a client pod reached the server through it`, evidence)
      : fail(
          `the server to be reachable through the load-balancer address ${address}`,
          `${reached.last.target}: exit ${reached.last.exitCode} ${reached.last.detail}`,
          evidence,
        );
  });

  spec('ra2.k8s.016', { kind: 'probe' }, async (ctx) => {
    const ingressJig = new IngressJig(ctx, await ctx.namespace());
    const classes = await ingressJig.classes();
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
    const { jig } = await serverBehindService(ctx, 'web');
    const host = `ra2-probe.${jig.namespace}.invalid`;
    await ingressJig.create(
      hostPathIngress(ctx, 'web', chosen.metadata!.name!, host, '/', 'web', serverPort),
    );
    const published = await ingressJig.waitForAddress('web');
    Object.assign(evidence, {
      ingressClass: chosen.metadata?.name,
      host,
      status: published.last.status,
    });
    if (!published.address) {
      return fail(
        `the ingress controller of class ${chosen.metadata?.name ?? ''} to publish an address for the Ingress`,
        'the Ingress got no address',
        evidence,
      );
    }
    const url = `http://${hostPort(published.address, 80)}/hostname`;
    const got = await attemptUntil(
      ctx,
      `${url} with Host ${host} to answer from the server`,
      () => tryHttpGet(jig, 'client', url, { host }),
      (a) => a.status === 200 && a.body === 'server',
      ctx.timeouts.serviceEndpoints,
    );
    evidence.attempt = got.last;
    return got.ok
      ? pass(
          `Ingress of class ${chosen.metadata?.name ?? ''} routed ${host}/ to the server through ${published.address}`,
          evidence,
        )
      : fail(
          `GET ${url} with Host ${host} to answer 200 "server"`,
          `status ${got.last.status}, body "${got.last.body}", ${got.last.detail}`,
          evidence,
        );
  });

  spec('ra2.k8s.017', { kind: 'probe' }, async (ctx) => {
    const { jig, service } = await serverBehindService(ctx, 'node-port', (s) => {
      s.spec!.type = 'NodePort';
    });
    const nodePort = service.spec?.ports?.[0]?.nodePort;
    const family = service.spec?.ipFamilies?.[0] ?? 'IPv4';
    const targets = workers(await listNodes(ctx.cluster.core)).flatMap((node) => {
      const ip = (node.status?.addresses ?? []).find(
        (a) =>
          a.type === 'InternalIP' && (family === 'IPv6' ? isIPv6(a.address) : isIPv4(a.address)),
      )?.address;
      return ip ? [{ node: nodeName(node), ip }] : [];
    });
    if (!nodePort || targets.length === 0) {
      return fail(
        'a NodePort allocated and a worker InternalIP to reach it on',
        `nodePort ${nodePort ?? 'none'}, worker ${family} InternalIPs: ${targets.length}`,
        { service: service.spec },
      );
    }
    const attempts = [];
    for (const target of targets) {
      const reached = await attemptUntil(
        ctx,
        `the server to answer on ${target.node} ${hostPort(target.ip, nodePort)}`,
        () => tryConnect(jig, 'client', target.ip, nodePort),
        (a) => a.reachable,
        ctx.timeouts.serviceEndpoints,
      );
      attempts.push({ node: target.node, ...reached.last });
    }
    const evidence = { nodePort, attempts };
    const unreachable = attempts.filter((a) => !a.reachable);
    return unreachable.length === 0
      ? pass(
          `the server answered on nodePort ${nodePort} of ${attempts.map((a) => `${a.node} (${a.target})`).join(', ')}`,
          evidence,
        )
      : fail(
          `the server reachable on nodePort ${nodePort} of every worker`,
          unreachable.map((a) => `${a.node} ${a.target}: ${a.detail}`).join('; '),
          evidence,
        );
  });

  spec('ra2.k8s.018', { kind: 'probe' }, async (ctx) => {
    const { jig } = await serverBehindService(ctx, 'backend');
    const resolv = await jig.exec('client', ['cat', '/etc/resolv.conf']);
    const domain = clusterDomainFromResolvConf(resolv.stdout, jig.namespace);
    if (!domain) {
      return fail(
        `a search domain ${jig.namespace}.svc.<cluster domain> in the pod's resolv.conf`,
        resolv.stdout.trim(),
      );
    }
    const backend = `backend.${jig.namespace}.svc.${domain}`;
    await createService(ctx, jig.namespace, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'alias', labels: ctx.labels },
      spec: { type: 'ExternalName', externalName: backend },
    });
    const alias = `alias.${jig.namespace}.svc.${domain}`;
    const resolved = await attemptUntil(
      ctx,
      `${alias} to resolve to the CNAME ${backend}`,
      () => jig.exec('client', ['nslookup', alias]),
      (r) => r.stdout.toLowerCase().includes(`canonical name = ${backend}`),
      ctx.timeouts.serviceEndpoints,
    );
    const evidence: Record<string, unknown> = {
      externalName: backend,
      nslookup: resolved.last.stdout.trim().split('\n').slice(-6),
    };
    if (!resolved.ok) {
      return fail(
        `${alias} to resolve as a CNAME of ${backend}`,
        (resolved.last.stdout + resolved.last.stderr).trim().slice(0, 300),
        evidence,
      );
    }
    const url = `http://${alias}:${serverPort}/hostname`;
    const got = await attemptUntil(
      ctx,
      `${url} to answer from the backend`,
      () => tryHttpGet(jig, 'client', url),
      (a) => a.status === 200 && a.body === 'server',
      ctx.timeouts.serviceEndpoints,
    );
    evidence.attempt = got.last;
    return got.ok
      ? pass(
          `${alias} is a CNAME of ${backend}; the client reached the backend through it`,
          evidence,
        )
      : fail(
          `GET ${url} to answer 200 "server" through the ExternalName service`,
          `status ${got.last.status}, body "${got.last.body}", ${got.last.detail}`,
          evidence,
        );
  });

  spec('ra2.k8s.019', { kind: 'inspect' }, async (ctx) => {
    const served = await servedGroupVersions(ctx.cluster.kc);
    const resources = new Map<string, string[]>();
    const listed = async (groupVersion: string) => {
      if (!resources.has(groupVersion))
        resources.set(groupVersion, await resourcesOf(ctx.cluster.kc, groupVersion));
      return resources.get(groupVersion) as string[];
    };
    const violations: string[] = [];
    for (const beta of served.filter((gv) => gv.group !== '' && betaVersion.test(gv.version))) {
      const gaOfGroup = served.filter(
        (gv) => gv.group === beta.group && gaVersion.test(gv.version),
      );
      for (const resource of await listed(beta.groupVersion)) {
        for (const ga of gaOfGroup) {
          if ((await listed(ga.groupVersion)).includes(resource)) {
            violations.push(
              `${resource} served at ${beta.groupVersion} and at GA ${ga.groupVersion}`,
            );
          }
        }
      }
    }
    const betas = served.filter((gv) => betaVersion.test(gv.version)).map((gv) => gv.groupVersion);
    const evidence = { betaGroupVersions: betas, violations };
    return violations.length === 0
      ? pass(
          `no beta resource is also served at a GA version (${betas.length} beta group versions examined)`,
          evidence,
        )
      : fail(
          'a beta resource only where no GA version of it is served',
          violations.join('; '),
          evidence,
        );
  });
});

/**
 * Zones are those named on any node; a cluster whose nodes carry no zone
 * label is one unnamed zone. Each zone needs at least one node of the role.
 */
export function atLeastOnePerZone(
  nodes: readonly V1Node[],
  role: string,
  ofRole: (nodes: readonly V1Node[]) => V1Node[],
) {
  const zones = [...nodesByZone(nodes).keys()];
  const roleByZone = nodesByZone(ofRole(nodes));
  const evidence = {
    zones: Object.fromEntries(
      [...nodesByZone(nodes)].map(([zone, names]) => [zone || '(no zone label)', names]),
    ),
    [`${role}NodesByZone`]: Object.fromEntries(
      [...roleByZone].map(([zone, names]) => [zone || '(no zone label)', names]),
    ),
  };
  const lacking = zones.filter((zone) => !roleByZone.has(zone));
  if (nodes.length === 0)
    return fail(`at least one ${role} node per zone`, 'the cluster lists no nodes', evidence);
  return lacking.length === 0
    ? pass(`each of ${zones.length} zone(s) has a ${role} node`, evidence)
    : fail(
        `at least one ${role} node per zone`,
        `no ${role} node in zone(s) ${lacking.map((z) => z || '(no zone label)').join(', ')}`,
        evidence,
      );
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
  tweak?: (service: V1Service) => void,
): Promise<{ jig: PodJig; service: V1Service }> {
  const jig = await PodJig.inCheckNamespace(ctx);
  const labels = { [roleLabel]: `${name}-server` };
  const service = await createService(
    ctx,
    jig.namespace,
    clusterIpService(ctx, name, labels, serverPort),
    tweak,
  );
  await Promise.all([
    jig.createAndWaitRunning(netexecServerPod(ctx, 'server', labels, serverPort)),
    jig.createAndWaitRunning(sleeperPod(ctx, 'client')),
  ]);
  await waitForReadyEndpoints(ctx, jig.namespace, name, 1);
  return { jig, service };
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

export const controlPlaneServices = ['kube-apiserver', 'kube-scheduler', 'kube-controller-manager'];

/**
 * Every control-plane node (and any node hosting a control-plane pod) must run
 * the three services as Running, Ready pods.
 */
export function controlPlaneServicesPerNode(nodes: readonly V1Node[], pods: readonly V1Pod[]) {
  const hosts = new Set([
    ...controlPlanes(nodes).map(nodeName),
    ...pods.map((p) => p.spec?.nodeName ?? '').filter(Boolean),
  ]);
  const perNode: Record<string, Record<string, string>> = {};
  const missing: string[] = [];
  for (const host of [...hosts].sort()) {
    perNode[host] = {};
    for (const component of controlPlaneServices) {
      const pod = pods.find(
        (p) => p.spec?.nodeName === host && p.metadata?.labels?.component === component,
      );
      const ready =
        pod?.status?.phase === 'Running' &&
        (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
      perNode[host][component] = pod
        ? `${pod.metadata?.name ?? ''} ${pod.status?.phase ?? '?'}${ready ? ', Ready' : ', not Ready'}`
        : 'absent';
      if (!ready)
        missing.push(`${component} on ${host} ${pod ? 'not Running and Ready' : 'absent'}`);
    }
  }
  const evidence = { controlPlaneNodes: perNode };
  return missing.length === 0
    ? pass(
        `each of ${hosts.size} control-plane node(s) runs kube-apiserver, kube-scheduler and kube-controller-manager, Ready`,
        evidence,
      )
    : fail(
        'kube-apiserver, kube-scheduler and kube-controller-manager Running and Ready on every control-plane node',
        missing.join('; '),
        evidence,
      );
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
    reservations = { unreadable: reading && 'error' in reading ? reading.error : 'not read' };
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
