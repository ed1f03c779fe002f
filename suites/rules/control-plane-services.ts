/**
 * ra2.k8s.012a: a master runs kube-apiserver, kube-scheduler and
 * kube-controller-manager. Where they run as pods (kubeadm's static pods),
 * every control-plane node must run all three, Ready, and each API server's
 * advertised address must be in the default/kubernetes EndpointSlice (an
 * instance that stopped drops out of it within seconds). Where no pod is
 * visible (k3s, OpenShift's own namespaces, managed control planes), the API
 * view stands in: API server endpoints and renewed leader leases. Either way a
 * leader lease that is not renewed fails; when nothing shows the scheduler or
 * the controller manager, the row is not observed and says what was looked for.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { ApiServerEndpoints, LeaseObservation } from '../../helpers/k8s/control-plane.js';
import { controlPlanes, nodeName } from '../../helpers/k8s/nodes.js';
import { fail, pass, skip, type Verdict } from '../../helpers/framework/result.js';
import { describeLease, leaseState, staleLeaseProblems } from './control-plane.js';

export const controlPlaneServices = ['kube-apiserver', 'kube-scheduler', 'kube-controller-manager'];
export const controlPlanePodSelector = `component in (${controlPlaneServices.join(',')})`;

const isRunningReady = (pod: V1Pod | undefined) =>
  pod?.status?.phase === 'Running' &&
  (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** The value of a "--name=value" argument of the pod's first container. */
export function podFlag(pod: V1Pod, name: string): string | undefined {
  const container = pod.spec?.containers[0];
  for (const arg of [...(container?.command ?? []), ...(container?.args ?? [])]) {
    if (arg.startsWith(`--${name}=`)) return arg.slice(name.length + 3);
  }
  return undefined;
}

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
      const ready = isRunningReady(pod);
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

/** kube-apiserver pods whose --advertise-address is missing from the ready API server endpoints. */
export function apiServersOutOfEndpoints(
  pods: readonly V1Pod[],
  endpoints: ApiServerEndpoints,
): string[] {
  if (endpoints.ready.length === 0) return [];
  return pods
    .filter((p) => p.metadata?.labels?.component === 'kube-apiserver')
    .flatMap((p) => {
      const address = podFlag(p, 'advertise-address');
      return address && !endpoints.ready.includes(address)
        ? [
            `kube-apiserver on ${p.spec?.nodeName ?? '?'} (advertise address ${address}) is not among the ready API server endpoints of default/kubernetes (${endpoints.ready.join(', ')})`,
          ]
        : [];
    });
}

export interface ControlPlaneServicesView {
  nodes: readonly V1Node[];
  /** Pods in kube-system matching controlPlanePodSelector. */
  pods: readonly V1Pod[];
  endpoints: ApiServerEndpoints;
  leases: readonly LeaseObservation[];
}

export function judgeControlPlaneServices(view: ControlPlaneServicesView): Verdict {
  const { nodes, pods, endpoints, leases } = view;
  const apiView = {
    apiServerEndpoints: endpoints.ready,
    notReadyApiServerEndpoints: endpoints.notReady,
    leases: leases.map(describeLease),
  };
  const stale = staleLeaseProblems(leases);
  if (pods.length > 0) {
    const perNode = controlPlaneServicesPerNode(nodes, pods);
    const problems = [
      ...(perNode.status === 'failed' ? [perNode.observed] : []),
      ...apiServersOutOfEndpoints(pods, endpoints),
      ...stale,
    ];
    const evidence = { ...perNode.evidence, ...apiView };
    return problems.length === 0
      ? pass(perNode.status === 'passed' ? perNode.summary : '', evidence)
      : fail(
          'kube-apiserver, kube-scheduler and kube-controller-manager Running and Ready on every control-plane node, each API server among the endpoints, leader leases renewed',
          problems.join('; '),
          evidence,
        );
  }
  // No pods: what the API itself shows of the three services.
  const evidence = {
    controlPlanePods: `none in kube-system matching ${controlPlanePodSelector}`,
    ...apiView,
  };
  if (stale.length > 0)
    return fail(
      'kube-scheduler and kube-controller-manager holding renewed leader leases',
      stale.join('; '),
      evidence,
    );
  const unseen = [
    ...(endpoints.ready.length === 0
      ? ['kube-apiserver (no ready address in the default/kubernetes EndpointSlice)']
      : []),
    ...leases.filter((l) => leaseState(l) === 'absent').map(describeLease),
  ];
  if (unseen.length > 0)
    return skip(
      `control-plane services not observed: no pods in kube-system matching ${controlPlanePodSelector}, and ${unseen.join('; ')}; attest them`,
      evidence,
    );
  return pass(
    `${endpoints.ready.length} API server instance(s) in default/kubernetes; kube-scheduler and kube-controller-manager renew their leader leases (control-plane pods not visible)`,
    evidence,
  );
}
