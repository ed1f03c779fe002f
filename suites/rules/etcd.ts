/**
 * ra2.k8s.002's rule: etcd runs as three, five or seven members, "can be
 * colocated on the master nodes, or can run on separate nodes, but not on
 * worker nodes". The probe (helpers/probes/etcd.ts) finds the pods and the
 * member list; this file judges them.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { isControlPlane, nodeName } from '../../helpers/k8s/nodes.js';
import {
  etcdNamespace,
  etcdRoleLabel,
  etcdSelector,
  openshiftEtcdNamespace,
  openshiftEtcdSelector,
  type EtcdElsewhere,
  type EtcdMember,
} from '../../helpers/probes/etcd.js';

/**
 * A node is a worker, for etcd placement, when it is neither a control-plane
 * node nor kept free of ordinary workloads by a NoSchedule/NoExecute taint
 * (a dedicated etcd node).
 */
export function isWorkloadNode(node: V1Node): boolean {
  if (isControlPlane(node)) return false;
  return !(node.spec?.taints ?? []).some(
    (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute',
  );
}

export const allowedEtcdSizes = [3, 5, 7] as const;

export interface EtcdJudgement {
  ok: boolean;
  /** Voting members (learners do not count towards the quorum). */
  voting: number;
  /** Where the count came from. */
  countedFrom:
    | 'etcdctl member list'
    | 'etcd pods'
    | 'OpenShift etcd pods'
    | 'nodes with the etcd role label'
    | 'kube-apiserver --etcd-servers';
  /** Members or pods placed on worker nodes. */
  onWorkers: string[];
  problems: string[];
}

/**
 * etcd must run as 3, 5 or 7 members, none on a worker node. Members are
 * matched to nodes by name (kubeadm names a member after its node); the pods'
 * own nodes are checked too. Without a member list, Running pods are counted.
 */
export function judgeEtcd(
  pods: readonly V1Pod[],
  nodes: readonly V1Node[],
  members: readonly EtcdMember[] | undefined,
): EtcdJudgement {
  const byName = new Map(nodes.map((n) => [nodeName(n), n]));
  const onWorkers = new Set<string>();
  for (const pod of pods) {
    const node = byName.get(pod.spec?.nodeName ?? '');
    if (node && isWorkloadNode(node))
      onWorkers.add(`pod ${pod.metadata?.name ?? ''} on ${nodeName(node)}`);
  }
  for (const member of members ?? []) {
    const node = byName.get(member.name);
    if (node && isWorkloadNode(node)) onWorkers.add(`member ${member.name} on ${nodeName(node)}`);
  }
  const voting = members
    ? members.filter((m) => !m.isLearner).length
    : pods.filter((p) => p.status?.phase === 'Running').length;
  const problems: string[] = [];
  if (!(allowedEtcdSizes as readonly number[]).includes(voting)) {
    problems.push(`${voting} voting member(s), not 3, 5 or 7`);
  }
  if (onWorkers.size > 0) problems.push(`etcd on worker nodes: ${[...onWorkers].join(', ')}`);
  return {
    ok: problems.length === 0,
    voting,
    countedFrom: members ? 'etcdctl member list' : 'etcd pods',
    onWorkers: [...onWorkers],
    problems,
  };
}

function judgeCount(
  voting: number,
  onWorkers: string[],
  countedFrom: EtcdJudgement['countedFrom'],
): EtcdJudgement {
  const problems: string[] = [];
  if (!(allowedEtcdSizes as readonly number[]).includes(voting))
    problems.push(`${voting} etcd member(s) (${countedFrom}), not 3, 5 or 7`);
  if (onWorkers.length > 0) problems.push(`etcd on worker nodes: ${onWorkers.join(', ')}`);
  return { ok: problems.length === 0, voting, countedFrom, onWorkers, problems };
}

const loopback = /^(127\.|localhost$|\[?::1\]?$)/;

/** The host part of an etcd client URL ("https://10.0.0.5:2379" -> "10.0.0.5"). */
export function etcdServerHost(url: string): string {
  try {
    return new URL(url).hostname.replace(/^\[|\]$/g, '');
  } catch {
    return url;
  }
}

/** What was looked for when etcd was not found, for the skip reason. */
export const etcdLookedFor = [
  `pods labelled ${etcdSelector} in ${etcdNamespace} (kubeadm)`,
  `pods labelled ${openshiftEtcdSelector} in ${openshiftEtcdNamespace} (OpenShift)`,
  `nodes labelled ${etcdRoleLabel} (k3s, RKE2)`,
  'a kube-apiserver pod whose --etcd-servers names members other than its own loopback',
];

/**
 * Judges etcd from the other traces the API shows when kubeadm's pods are
 * absent, in order of precision; undefined when none shows the members.
 */
export function judgeEtcdElsewhere(
  seen: EtcdElsewhere,
  nodes: readonly V1Node[],
): EtcdJudgement | undefined {
  if (seen.openshiftPods.length > 0) {
    return {
      ...judgeEtcd(seen.openshiftPods, nodes, undefined),
      countedFrom: 'OpenShift etcd pods',
    };
  }
  const byName = new Map(nodes.map((n) => [nodeName(n), n]));
  if (seen.etcdRoleNodes.length > 0) {
    const onWorkers = seen.etcdRoleNodes.filter((name) => {
      const node = byName.get(name);
      return node !== undefined && isWorkloadNode(node);
    });
    return judgeCount(seen.etcdRoleNodes.length, onWorkers, 'nodes with the etcd role label');
  }
  const hosts = new Set(
    seen.apiServerEtcdServers
      .flatMap((a) => a.servers.map(etcdServerHost))
      .filter((h) => h !== '' && !loopback.test(h)),
  );
  if (hosts.size === 0) return undefined;
  const onWorkers = nodes
    .filter(isWorkloadNode)
    .filter((n) => (n.status?.addresses ?? []).some((a) => hosts.has(a.address)))
    .map(
      (n) =>
        `member at ${(n.status?.addresses ?? []).find((a) => hosts.has(a.address))?.address} on ${nodeName(n)}`,
    );
  return judgeCount(hosts.size, onWorkers, 'kube-apiserver --etcd-servers');
}
