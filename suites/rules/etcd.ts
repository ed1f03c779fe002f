/**
 * ra2.k8s.002's rule: etcd runs as three, five or seven members, "can be
 * colocated on the master nodes, or can run on separate nodes, but not on
 * worker nodes". The probe (helpers/probes/etcd.ts) finds the pods and the
 * member list; this file judges them.
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import { isControlPlane, nodeName } from '../../helpers/k8s/nodes.js';
import type { EtcdMember } from '../../helpers/probes/etcd.js';

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
  countedFrom: 'etcdctl member list' | 'etcd pods';
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
