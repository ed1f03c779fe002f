/**
 * 4.9 Kubernetes workloads.
 *
 * app.001-005 say the OCI parameter groups must be implemented: the platform
 * must honour what a pod spec asks of the runtime. One probe pod sets each
 * group (read-only root, a writable and a read-only mount, cwd/env/capabilities,
 * hostname, uid/gid/groups) and the container reports what it got; each row
 * judges its own group. app.008 takes the control plane away (disruptive: kind
 * clusters only) and watches running pods keep serving. app.006, 007 and 009 are rules for workload
 * descriptors: they are inspected on the workloads running in the cluster
 * (node agents, i.e. kube-* namespaces and DaemonSet pods, are infrastructure
 * and left out of 007 and 009). app.010 is attested: which node features a
 * workload needs is its authors' knowledge, so a descriptor that states the
 * need some other way cannot be told from one that has no need.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../helpers/framework/context.js';
import { isExtendedResource } from '../helpers/k8s/extended-resources.js';
import { controlPlanes, nodeName } from '../helpers/k8s/nodes.js';
import { observeControlPlaneOutage } from '../helpers/probes/control-plane-outage.js';
import { KindNodeJig, kindContainersOf } from '../helpers/probes/kind-nodes.js';
import { spreadWorkers } from '../helpers/probes/pod-network.js';
import { parameterGroupPod, readOciReport } from '../helpers/probes/oci-probe.js';
import { MANAGED_BY, managedByLabel, randomSuffix } from '../helpers/framework/labels.js';
import { defineSuite } from '../helpers/framework/registry.js';
import { fail, pass, skip, type Verdict } from '../helpers/framework/result.js';
import { judgeControlPlaneOutage, OUTAGE_SECONDS } from './rules/control-plane-outage.js';
import { judgeRequestedAttachments } from './rules/networking-attachments.js';
import { mustStart } from '../helpers/framework/preconditions.js';
import { judgeGroup, type ParameterGroup } from './rules/oci.js';

const groupObserves = (what: string) =>
  `Starts one pod that sets all five OCI parameter groups and reads, from inside its container, ${what}.`;

export default defineSuite('workloads', (spec) => {
  spec(
    'ra2.app.001',
    {
      kind: 'probe',
      observes: groupObserves(
        'whether the image files are there, the mount option of / and whether a file can be created in / (the pod asks for a read-only root)',
      ),
    },
    (ctx) => ociGroup(ctx, 'root'),
  );
  spec(
    'ra2.app.002',
    {
      kind: 'probe',
      observes: groupObserves(
        'the mount options of an emptyDir mounted read-write and one mounted read-only, and whether a file can be created in each',
      ),
    },
    (ctx) => ociGroup(ctx, 'mounts'),
  );
  spec(
    'ra2.app.003',
    {
      kind: 'probe',
      observes: groupObserves(
        'the working directory, an environment variable, the command line of PID 1, CapEff and NoNewPrivs',
      ),
    },
    (ctx) => ociGroup(ctx, 'process'),
  );
  spec(
    'ra2.app.004',
    {
      kind: 'probe',
      observes: groupObserves('the kernel hostname (the pod sets spec.hostname)'),
    },
    (ctx) => ociGroup(ctx, 'hostname'),
  );
  spec(
    'ra2.app.005',
    {
      kind: 'probe',
      observes: groupObserves(
        'the uid, gid and supplementary groups of its process (id -u, -g, -G)',
      ),
    },
    (ctx) => ociGroup(ctx, 'user'),
  );
  spec(
    'ra2.app.006',
    {
      kind: 'inspect',
      observes:
        'Reads every workload pod in the cluster (not the suite’s own probes) for network attachments (Multus network-status) beyond the default network that neither a networks annotation nor an extended-resource request asked for.',
    },
    async (ctx) => {
      // Workloads only: the attachments of this run's own probes (other checks running beside
      // this one) say nothing of the cluster's workloads, and would make the verdict a race.
      const pods = (await allPods(ctx)).filter(
        (pod) => pod.metadata?.labels?.[managedByLabel] !== MANAGED_BY,
      );
      return judgeRequestedAttachments(pods);
    },
  );

  spec(
    'ra2.app.007',
    {
      kind: 'inspect',
      observes:
        "Reads the volumes of every workload pod (leaving out kube-* namespaces, DaemonSet, static and system-priority pods and the suite's own) for hostPath volumes.",
    },
    async (ctx) => {
      const { workloads, skipped } = workloadPods(await allPods(ctx));
      if (workloads.length === 0) return noWorkloads(skipped);
      const offenders = workloads
        .map((pod) => ({
          pod: podName(pod),
          hostPaths: (pod.spec?.volumes ?? [])
            .filter((v) => v.hostPath)
            .map((v) => v.hostPath!.path),
        }))
        .filter((p) => p.hostPaths.length > 0);
      const evidence = {
        workloadPods: workloads.length,
        infrastructurePodsLeftOut: skipped,
        offenders,
      };
      return offenders.length === 0
        ? pass(`none of ${workloads.length} workload pods uses a hostPath volume`, evidence)
        : fail(
            'workloads without hostPath volumes',
            offenders.map((o) => `${o.pod}: ${o.hostPaths.join(', ')}`).join('; '),
            evidence,
          );
    },
  );

  spec(
    'ra2.app.008',
    {
      kind: 'probe',
      disruptive: true,
      observes: `Pauses every control-plane node container of a kind cluster for ${OUTAGE_SECONDS}s (shown by an API call that gets no answer) and reads a client pod's own once-a-second record of requests to a server pod on another worker, direct and through its Service, then whether both pods still run unrestarted; healing and scaling are not exercised.`,
    },
    async (ctx) => {
      const nodes = await ctx.cluster.inventory.nodes();
      const planes = controlPlanes(nodes);
      const evidence = { controlPlaneNodes: planes.map(nodeName) };
      const containers = kindContainersOf(planes);
      if (!containers)
        return skip(
          'not observable from inside a cluster: taking every control-plane node away needs them to be kind node containers and the Docker API; on other clusters the operator must demonstrate it',
          evidence,
        );
      const docker = new KindNodeJig();
      if (!(await docker.reachable()))
        return skip(
          'not observable from here: the control-plane nodes are kind containers, but the Docker API is not reachable from where the suite runs (e.g. inside Sonobuoy)',
          evidence,
        );
      const [serverNode, clientNode] = spreadWorkers(nodes);
      if (!serverNode || !clientNode)
        return fail(
          'two schedulable workers for a server and a client',
          `workers: ${spreadWorkers(nodes).map(nodeName).join(', ') || 'none'}`,
          evidence,
        );
      const outage = await observeControlPlaneOutage(ctx, {
        docker,
        containers,
        serverNode,
        clientNode,
        seconds: OUTAGE_SECONDS,
      });
      return judgeControlPlaneOutage(outage, containers, {
        ...evidence,
        serverNode: nodeName(serverNode),
        clientNode: nodeName(clientNode),
      });
    },
  );

  // A workload that reaches a device by mounting /dev (or the PCI bus) from
  // the host instead of requesting a device plugin resource breaks the rule.
  spec(
    'ra2.app.009',
    {
      kind: 'inspect',
      attestable: 'not-applicable',
      observes:
        'Reads every workload pod for privileged containers (which see every host device), hostPath volumes under /dev (/dev/vfio among them) or /sys/bus/pci, and extended-resource (device plugin) requests, and lists the pods that reach devices without requesting one.',
    },
    async (ctx) => {
      const { workloads, skipped } = workloadPods(await allPods(ctx));
      if (workloads.length === 0) return noWorkloads(skipped);
      const requesting = workloads.filter((pod) => extendedRequests(pod).length > 0);
      const bypassing = workloads
        .map((pod) => ({
          pod: podName(pod),
          devicePaths: devicesReachedBy(pod),
          requests: extendedRequests(pod),
        }))
        .filter((p) => p.devicePaths.length > 0 && p.requests.length === 0);
      const evidence = {
        workloadPods: workloads.length,
        infrastructurePodsLeftOut: skipped,
        podsRequestingDevicePluginResources: requesting.map(
          (p) => `${podName(p)}: ${extendedRequests(p).join(', ')}`,
        ),
        podsReachingDevicesWithoutRequest: bypassing,
      };
      return bypassing.length === 0
        ? pass(
            `no workload pod reaches host devices without requesting a device plugin resource (${requesting.length} pod(s) request one)`,
            evidence,
          )
        : fail(
            'workloads to request acceleration devices through device plugin resources',
            bypassing
              .map(
                (b) => `${b.pod} reaches ${b.devicePaths.join(', ')} without requesting a resource`,
              )
              .join('; '),
            evidence,
          );
    },
  );

  spec('ra2.app.010', { kind: 'attest' });
});

async function ociGroup(ctx: CheckContext, group: ParameterGroup): Promise<Verdict> {
  const ns = await ctx.ns();
  const token = randomSuffix(10);
  const pod = await mustStart(
    ns.pods.tryStart(parameterGroupPod(ctx, token)),
    'a pod setting the OCI parameter groups to run',
  );
  const { report } = await readOciReport(ns, pod.metadata?.name ?? '');
  const judged = judgeGroup(group, report, token);
  const evidence = { node: pod.spec?.nodeName, observations: judged };
  const wrong = judged.filter((j) => !j.ok);
  return wrong.length === 0
    ? pass(
        `the container got what the pod asked for: ${judged.map((j) => `${j.parameter} = ${j.observed}`).join('; ')}`,
        evidence,
      )
    : fail(
        judged.map((j) => `${j.parameter}: ${j.expected}`).join('; '),
        wrong.map((j) => `${j.parameter}: ${j.observed}`).join('; '),
        evidence,
      );
}

function allPods(ctx: CheckContext): Promise<readonly V1Pod[]> {
  return ctx.cluster.inventory.pods();
}

/** "Nothing to judge" is not a pass: the rule is about workloads, and none runs. */
function noWorkloads(infrastructurePods: number): Verdict {
  return skip(
    `nothing to judge: no workload pods run (${infrastructurePods} infrastructure pods left out); deploy the workloads to be judged, or attest`,
    { workloadPods: 0, infrastructurePodsLeftOut: infrastructurePods },
  );
}

/** Host devices a pod reaches: /dev or PCI hostPath volumes, and every device for a privileged container. */
export function devicesReachedBy(pod: V1Pod): string[] {
  const mounted = (pod.spec?.volumes ?? [])
    .map((v) => v.hostPath?.path ?? '')
    .filter((p) => /^\/dev(\/|$)|^\/sys\/bus\/pci/.test(p));
  const privileged = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])]
    .filter((c) => c.securityContext?.privileged === true)
    .map((c) => `every host device (container ${c.name} is privileged)`);
  return [...mounted, ...privileged];
}

function podName(pod: V1Pod): string {
  return `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
}

function extendedRequests(pod: V1Pod): string[] {
  return [
    ...new Set(
      (pod.spec?.containers ?? []).flatMap((c) =>
        Object.keys({ ...c.resources?.requests, ...c.resources?.limits }).filter(
          isExtendedResource,
        ),
      ),
    ),
  ];
}

/**
 * Workload pods: not in kube-* namespaces, not owned by a DaemonSet, not static
 * (mirror) pods, not platform pods running at a system-* priority (such as a
 * storage provisioner's helper pods, which come and go as the suite's own
 * volumes are made and removed), and not the suite's own probes.
 */
export function workloadPods(pods: readonly V1Pod[]): { workloads: V1Pod[]; skipped: number } {
  const workloads = pods.filter((pod) => {
    const ns = pod.metadata?.namespace ?? '';
    if (ns.startsWith('kube-')) return false;
    if (pod.spec?.priorityClassName?.startsWith('system-')) return false;
    if (pod.metadata?.labels?.[managedByLabel] === MANAGED_BY) return false;
    if (
      (pod.metadata?.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet' || o.kind === 'Node')
    )
      return false;
    return !pod.metadata?.annotations?.['kubernetes.io/config.mirror'];
  });
  return { workloads, skipped: pods.length - workloads.length };
}
