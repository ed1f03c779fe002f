/**
 * ra2.k8s.003 (a master per availability zone) and ra2.k8s.004 (a worker per
 * zone). Where nodes carry zone labels, every zone named on a node needs one;
 * where none does, the zones are unknown and "highly available" needs at least
 * two: two API server instances in the default/kubernetes EndpointSlice (seen
 * on any distribution, managed ones too) and two Ready schedulable workers.
 * A leader lease that is not renewed means a control-plane component is down.
 */
import type { V1Node } from '@kubernetes/client-node';
import type { ApiServerEndpoints, LeaseObservation } from '../../helpers/k8s/control-plane.js';
import {
  controlPlanes,
  isReady,
  leaveOutVirtualNodes,
  nodeName,
  nodesByZone,
  workers,
  zoneOf,
} from '../../helpers/k8s/nodes.js';
import { fail, pass, skip, type Verdict } from '../../helpers/framework/result.js';

const noZone = '(no zone label)';

/** Legacy zone rule: every zone named on any node has a node of the role. */
export function atLeastOnePerZone(
  nodes: readonly V1Node[],
  role: string,
  ofRole: (nodes: readonly V1Node[]) => V1Node[],
): Verdict {
  const zones = [...nodesByZone(nodes).keys()];
  const roleByZone = nodesByZone(ofRole(nodes));
  const evidence = {
    zones: Object.fromEntries([...nodesByZone(nodes)].map(([z, names]) => [z || noZone, names])),
    [`${role}NodesByZone`]: Object.fromEntries(
      [...roleByZone].map(([z, names]) => [z || noZone, names]),
    ),
  };
  const lacking = zones.filter((zone) => !roleByZone.has(zone));
  if (nodes.length === 0)
    return fail(`at least one ${role} node per zone`, 'the cluster lists no nodes', evidence);
  return lacking.length === 0
    ? pass(`each of ${zones.length} zone(s) has a ${role} node`, evidence)
    : fail(
        `at least one ${role} node per zone`,
        `no ${role} node in zone(s) ${lacking.map((z) => z || noZone).join(', ')}`,
        evidence,
      );
}

export type LeaseState = 'renewed' | 'not renewed' | 'absent';

export function leaseState(lease: LeaseObservation): LeaseState {
  if (!lease.found) return 'absent';
  return lease.lastRenewTime !== undefined && lease.lastRenewTime !== lease.firstRenewTime
    ? 'renewed'
    : 'not renewed';
}

/** "kube-scheduler: lease kube-system/kube-scheduler held by X, renewed" etc., for evidence. */
export function describeLease(lease: LeaseObservation): string {
  const state = leaseState(lease);
  if (state === 'absent') return `${lease.component}: no lease at ${lease.lookedAt.join(' or ')}`;
  return `${lease.component}: lease ${lease.lookedAt[0]} held by ${lease.holder ?? '(nobody)'}, ${
    state === 'renewed'
      ? `renewed (${lease.firstRenewTime} -> ${lease.lastRenewTime})`
      : `not renewed in ${Math.round(lease.watchedMs / 1000)} s (last ${lease.lastRenewTime ?? 'never'}, duration ${lease.leaseDurationSeconds ?? '?'} s)`
  }`;
}

/** Problems only for leases seen and not renewed: an absent lease is not evidence of a dead component. */
export function staleLeaseProblems(leases: readonly LeaseObservation[]): string[] {
  return leases.filter((l) => leaseState(l) === 'not renewed').map(describeLease);
}

/** Ready, not cordoned, and not kept free of ordinary pods by a NoSchedule/NoExecute taint. */
export function isSchedulableWorker(node: V1Node): boolean {
  return (
    isReady(node) &&
    node.spec?.unschedulable !== true &&
    !(node.spec?.taints ?? []).some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')
  );
}

const hasZoneLabels = (nodes: readonly V1Node[]) => nodes.some((n) => zoneOf(n) !== undefined);

export interface ControlPlaneHaView {
  nodes: readonly V1Node[];
  endpoints: ApiServerEndpoints;
  leases: readonly LeaseObservation[];
}

/** ra2.k8s.003. Zones, as for ra2.k8s.004, are those named on kubelet-backed nodes. */
export function judgeControlPlaneHa(view: ControlPlaneHaView): Verdict {
  const { endpoints, leases } = view;
  const { judged: nodes, virtualLeftOut } = leaveOutVirtualNodes(view.nodes);
  const visible = controlPlanes(nodes);
  const evidence = {
    apiServerEndpoints: endpoints.ready,
    notReadyApiServerEndpoints: endpoints.notReady,
    controlPlaneNodes: visible.map(
      (n) => `${nodeName(n)} (${zoneOf(n) ?? noZone}${isReady(n) ? '' : ', not Ready'})`,
    ),
    leases: leases.map(describeLease),
    ...(virtualLeftOut ? { virtualLeftOut } : {}),
  };
  const stale = staleLeaseProblems(leases);
  if (endpoints.ready.length === 0 && endpoints.notReady.length === 0 && visible.length === 0)
    return skip(
      'no API server instance observed: the default/kubernetes EndpointSlice (label kubernetes.io/service-name=kubernetes) lists no address and no node has the control-plane role label',
      evidence,
    );
  const problems: string[] = [...stale];
  let summary: string;
  if (!hasZoneLabels(nodes)) {
    // No zones known: high availability needs more than one instance.
    if (endpoints.ready.length < 2)
      problems.push(
        `no zone labels (topology.kubernetes.io/zone) and ${endpoints.ready.length} ready API server endpoint(s) in default/kubernetes (${endpoints.ready.join(', ') || 'none'}): a single control-plane instance`,
      );
    summary = `${endpoints.ready.length} API server instances (no zone labels, so at least two needed)`;
  } else if (visible.length > 0) {
    const zones = [...nodesByZone(nodes).keys()];
    const covered = new Set(visible.filter(isReady).map((n) => zoneOf(n) ?? ''));
    const lacking = zones.filter((z) => !covered.has(z));
    if (lacking.length > 0)
      problems.push(
        `no Ready control-plane node in zone(s) ${lacking.map((z) => z || noZone).join(', ')}`,
      );
    summary = `each of ${zones.length} zone(s) has a Ready control-plane node`;
  } else {
    // Managed control plane: its nodes are not listed; it cannot cover more zones than it has instances.
    const zones = nodesByZone(nodes).size;
    if (endpoints.ready.length < zones)
      problems.push(`${endpoints.ready.length} API server endpoint(s) for ${zones} zones of nodes`);
    summary = `${endpoints.ready.length} API server instances for ${zones} zone(s) (control-plane nodes not listed, placement not seen)`;
  }
  return problems.length === 0
    ? pass(`${summary}; scheduler and controller-manager leases renewed or absent`, evidence)
    : fail(
        'a control-plane instance per availability zone (at least two where zones are not labelled), with live scheduler and controller manager',
        problems.join('; '),
        evidence,
      );
}

/**
 * ra2.k8s.004. Zones are those named on kubelet-backed nodes: a zone that only virtual
 * nodes (KWOK, virtual-kubelet) name has no worker that could hold a replica for real.
 */
export function judgeWorkerHa(listed: readonly V1Node[]): Verdict {
  const { judged: nodes, virtualLeftOut, note, onlyVirtual } = leaveOutVirtualNodes(listed);
  const usable = workers(nodes).filter(isSchedulableWorker);
  const evidence = {
    workers: workers(nodes).map(
      (n) =>
        `${nodeName(n)} (${zoneOf(n) ?? noZone}${isSchedulableWorker(n) ? '' : ', not Ready or not schedulable'})`,
    ),
    ...(virtualLeftOut ? { virtualLeftOut } : {}),
  };
  if (listed.length === 0)
    return fail('at least one worker node per zone', 'the cluster lists no nodes', evidence);
  if (onlyVirtual) return skip(`nothing to judge: ${onlyVirtual}`, evidence);
  if (!hasZoneLabels(nodes)) {
    return usable.length >= 2
      ? pass(
          `${usable.length} Ready schedulable workers (no zone labels, so at least two needed)${note}`,
          evidence,
        )
      : fail(
          'at least two Ready schedulable worker nodes where zones are not labelled',
          `${usable.length} Ready schedulable worker(s): ${usable.map(nodeName).join(', ') || 'none'}${note}`,
          evidence,
        );
  }
  const zones = [...nodesByZone(nodes).keys()];
  const covered = new Set(usable.map((n) => zoneOf(n) ?? ''));
  const lacking = zones.filter((z) => !covered.has(z));
  return lacking.length === 0
    ? pass(`each of ${zones.length} zone(s) has a Ready schedulable worker${note}`, evidence)
    : fail(
        'at least one Ready schedulable worker node per zone',
        `no Ready schedulable worker in zone(s) ${lacking.map((z) => z || noZone).join(', ')}${note}`,
        evidence,
      );
}
