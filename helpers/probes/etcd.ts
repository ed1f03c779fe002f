/**
 * etcd as the API shows it: kubeadm-style static pods (label component=etcd
 * in kube-system), the flags they run with, and the member list etcdctl gives
 * inside one of them. External or managed etcd leaves no pods to find.
 * Observes only; the suite judges.
 */
import type { KubeConfig, V1Node, V1Pod } from '@kubernetes/client-node';
import { isControlPlane, nodeName } from '../k8s/nodes.js';
import { execInContainer } from '../k8s/exec.js';

export const etcdNamespace = 'kube-system';
export const etcdSelector = 'component=etcd';

export interface EtcdMember {
  name: string;
  peerURLs: string[];
  isLearner: boolean;
}

/** `etcdctl member list -w json`; IDs are dropped (they overflow JSON numbers anyway). */
export function parseMemberList(json: string): EtcdMember[] {
  const parsed = JSON.parse(json) as { members?: Record<string, unknown>[] };
  return (parsed.members ?? []).map((m) => ({
    name: typeof m.name === 'string' ? m.name : '',
    peerURLs: Array.isArray(m.peerURLs) ? m.peerURLs.map(String) : [],
    isLearner: m.isLearner === true,
  }));
}

/** "--flag=value" arguments of the pod's etcd container. */
export function etcdFlags(pod: V1Pod): Map<string, string> {
  const container = pod.spec?.containers.find((c) => c.name === 'etcd') ?? pod.spec?.containers[0];
  const flags = new Map<string, string>();
  for (const arg of [...(container?.command ?? []), ...(container?.args ?? [])]) {
    const m = /^--([^=]+)=(.*)$/.exec(arg);
    if (m) flags.set(m[1]!, m[2]!);
  }
  return flags;
}

/**
 * The etcdctl command line that talks to the pod's own member with the pod's
 * own certificates, as its flags name them.
 */
export function etcdctlCommand(pod: V1Pod, args: string[]): string[] {
  const flags = etcdFlags(pod);
  const endpoint =
    (flags.get('listen-client-urls') ?? flags.get('advertise-client-urls') ?? '')
      .split(',')
      .find((u) => u.includes('127.0.0.1') || u.includes('localhost')) ??
    flags.get('advertise-client-urls')?.split(',')[0] ??
    'https://127.0.0.1:2379';
  const command = ['etcdctl', `--endpoints=${endpoint}`, '--command-timeout=10s'];
  const ca = flags.get('trusted-ca-file');
  const cert = flags.get('cert-file');
  const key = flags.get('key-file');
  if (ca) command.push(`--cacert=${ca}`);
  if (cert) command.push(`--cert=${cert}`);
  if (key) command.push(`--key=${key}`);
  return [...command, ...args];
}

export async function etcdMembers(
  kc: KubeConfig,
  pod: V1Pod,
  timeoutMs: number,
): Promise<EtcdMember[]> {
  const container = pod.spec?.containers.find((c) => c.name === 'etcd')?.name ?? 'etcd';
  const result = await execInContainer(
    kc,
    {
      namespace: pod.metadata?.namespace ?? etcdNamespace,
      pod: pod.metadata?.name ?? '',
      container,
    },
    etcdctlCommand(pod, ['member', 'list', '-w', 'json']),
    timeoutMs,
  );
  if (result.exitCode !== 0) {
    throw new Error(
      `etcdctl member list exited ${result.exitCode}: ${result.stderr.trim().slice(0, 300)}`,
    );
  }
  return parseMemberList(result.stdout);
}

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
 * own nodes are checked too.
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
