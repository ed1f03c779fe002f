/**
 * etcd as the API shows it: kubeadm-style static pods (label component=etcd
 * in kube-system), the flags they run with, and the member list etcdctl gives
 * inside one of them. External or managed etcd leaves no pods to find.
 * Observes only: the rule (3, 5 or 7 members, none on a worker) is in
 * suites/rules/etcd.ts.
 */
import type { CoreV1Api, KubeConfig, V1Node, V1Pod } from '@kubernetes/client-node';
import { oneLine } from '../k8s/errors.js';
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

export interface EtcdObservation {
  /** The etcd pods the API shows (none for an external or managed etcd). */
  pods: V1Pod[];
  /** etcd's own member list, read in a Running pod; it also names members no pod shows. */
  members?: EtcdMember[];
  /** Why the member list could not be read, when it could not. */
  memberListError?: string;
}

/** The etcd pods, and the member list as etcdctl gives it inside the first Running one. */
export async function observeEtcd(
  core: CoreV1Api,
  kc: KubeConfig,
  execTimeoutMs: number,
): Promise<EtcdObservation> {
  const pods = (
    await core.listNamespacedPod({ namespace: etcdNamespace, labelSelector: etcdSelector })
  ).items;
  const running = pods.find((p) => p.status?.phase === 'Running');
  if (!running) return { pods };
  try {
    return { pods, members: await etcdMembers(kc, running, execTimeoutMs) };
  } catch (err) {
    return { pods, memberListError: oneLine(err) };
  }
}

/** Where etcd shows when kubeadm's static pods do not: OpenShift's pods, k3s/RKE2's node role. */
export const openshiftEtcdNamespace = 'openshift-etcd';
export const openshiftEtcdSelector = 'app=etcd';
export const etcdRoleLabel = 'node-role.kubernetes.io/etcd';

export interface EtcdElsewhere {
  /** OpenShift's etcd pods (openshift-etcd, app=etcd). */
  openshiftPods: V1Pod[];
  /** Nodes that carry the etcd role label (k3s and RKE2 embedded etcd). */
  etcdRoleNodes: string[];
  /** --etcd-servers of the visible kube-apiserver pods, by pod. */
  apiServerEtcdServers: { pod: string; servers: string[] }[];
}

/**
 * The other traces of etcd in the API, for clusters without kubeadm's etcd pods.
 * `apiServerPods` are the kube-apiserver pods already listed (possibly none).
 */
export async function observeEtcdElsewhere(
  core: CoreV1Api,
  nodes: readonly V1Node[],
  apiServerPods: readonly V1Pod[],
): Promise<EtcdElsewhere> {
  const openshiftPods = (
    await core.listNamespacedPod({
      namespace: openshiftEtcdNamespace,
      labelSelector: openshiftEtcdSelector,
    })
  ).items;
  const etcdRoleNodes = nodes
    .filter((n) => n.metadata?.labels?.[etcdRoleLabel] !== undefined)
    .map((n) => n.metadata?.name ?? '');
  const apiServerEtcdServers = apiServerPods.flatMap((pod) => {
    const flag = [
      ...(pod.spec?.containers[0]?.command ?? []),
      ...(pod.spec?.containers[0]?.args ?? []),
    ].find((a) => a.startsWith('--etcd-servers='));
    return flag
      ? [
          {
            pod: pod.metadata?.name ?? '',
            servers: flag.slice('--etcd-servers='.length).split(','),
          },
        ]
      : [];
  });
  return { openshiftPods, etcdRoleNodes, apiServerEtcdServers };
}
