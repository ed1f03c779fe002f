/**
 * Reads of what a cluster is built from, for the run's metadata: nodes, the
 * workloads of the namespaces where network and load-balancer add-ons live,
 * CSI drivers and IngressClasses. Observes only. Each read returns what it got
 * or why it got nothing (a 403 says "forbidden"), and never throws: metadata
 * must not fail a run.
 */
import {
  ApiException,
  NetworkingV1Api,
  StorageV1Api,
  type CoreV1Api,
  type KubeConfig,
  type V1Node,
  type V1Pod,
} from '@kubernetes/client-node';
import { oneLine } from './errors.js';

export type FactRead<T> = { ok: true; value: T } | { ok: false; problem: string };

/** "forbidden: cannot list nodes (403)" or "could not list nodes: <cause>". */
export function readProblem(what: string, err: unknown): string {
  const code = err instanceof ApiException ? (err as ApiException<unknown>).code : undefined;
  if (code === 403) return `forbidden: cannot ${what} (403)`;
  if (code === 401) return `unauthorized: cannot ${what} (401)`;
  return `could not ${what}: ${oneLine(err)}`;
}

export async function readFact<T>(what: string, read: () => Promise<T>): Promise<FactRead<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    return { ok: false, problem: readProblem(what, err) };
  }
}

export interface NodeFacts {
  name: string;
  osImage: string;
  kernelVersion: string;
  containerRuntimeVersion: string;
  kubeletVersion: string;
  architecture: string;
  /** topology.kubernetes.io/zone, or "none". */
  zone: string;
  providerID?: string;
}

export function nodeFacts(node: V1Node): NodeFacts {
  const info = node.status?.nodeInfo;
  return {
    name: node.metadata?.name ?? '<unnamed>',
    osImage: info?.osImage ?? 'unknown',
    kernelVersion: info?.kernelVersion ?? 'unknown',
    containerRuntimeVersion: info?.containerRuntimeVersion ?? 'unknown',
    kubeletVersion: info?.kubeletVersion ?? 'unknown',
    architecture: info?.architecture ?? 'unknown',
    zone: node.metadata?.labels?.['topology.kubernetes.io/zone'] ?? 'none',
    ...(node.spec?.providerID ? { providerID: node.spec.providerID } : {}),
  };
}

/** A workload that owns pods: a DaemonSet, or a Deployment named by its ReplicaSet. */
export interface Workload {
  namespace: string;
  kind: 'DaemonSet' | 'Deployment' | 'StatefulSet' | 'Pod';
  name: string;
}

/** "speaker-7d9f8b6c5d" -> "speaker": a ReplicaSet's name less its pod-template hash. */
function deploymentOf(replicaSet: string): string {
  return replicaSet.replace(/-[a-z0-9]{6,10}$/, '');
}

export function workloadOf(pod: V1Pod): Workload {
  const namespace = pod.metadata?.namespace ?? '';
  const owner =
    pod.metadata?.ownerReferences?.find((o) => o.controller) ?? pod.metadata?.ownerReferences?.[0];
  if (owner?.kind === 'DaemonSet' || owner?.kind === 'StatefulSet')
    return { namespace, kind: owner.kind, name: owner.name };
  if (owner?.kind === 'ReplicaSet')
    return { namespace, kind: 'Deployment', name: deploymentOf(owner.name) };
  // Static pods (kube-apiserver-<node>) and bare pods: the name is all there is.
  return { namespace, kind: 'Pod', name: pod.metadata?.name ?? '' };
}

/** Pages of pods read per namespace: bounded on a cluster of thousands of nodes. */
export const MAX_POD_PAGES = 20;
const PAGE = 500;

/**
 * The distinct workloads whose pods run in `namespace`, through the pods
 * (which the suite may list) rather than DaemonSets (which it need not).
 */
export async function workloadsIn(core: CoreV1Api, namespace: string): Promise<Workload[]> {
  const seen = new Map<string, Workload>();
  let next: string | undefined;
  for (let page = 0; page < MAX_POD_PAGES; page++) {
    const list = await core.listNamespacedPod({ namespace, limit: PAGE, _continue: next });
    for (const pod of list.items ?? []) {
      const workload = workloadOf(pod);
      seen.set(`${workload.kind}/${workload.name}`, workload);
    }
    next = list.metadata?._continue;
    if (!next) break;
  }
  return [...seen.values()];
}

export async function csiDriverNames(kc: KubeConfig): Promise<string[]> {
  const list = await kc.makeApiClient(StorageV1Api).listCSIDriver();
  return (list.items ?? []).map((d) => d.metadata?.name ?? '').sort();
}

export async function ingressClasses(
  kc: KubeConfig,
): Promise<{ name: string; controller: string }[]> {
  const list = await kc.makeApiClient(NetworkingV1Api).listIngressClass();
  return (list.items ?? []).map((c) => ({
    name: c.metadata?.name ?? '',
    controller: c.spec?.controller ?? 'unknown',
  }));
}
