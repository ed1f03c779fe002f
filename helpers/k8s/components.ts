/**
 * Finding cluster components (Multus, Node Feature Discovery, device plugins,
 * Tiller) by the pods that run them: a pod matches when its name, an owner's
 * name, its app labels or a container image match the pattern. Observes only.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ClusterInventory } from './inventory.js';

export interface ComponentPod {
  namespace: string;
  pod: string;
  node: string;
  owner: string;
  phase: string;
  ready: boolean;
  images: string[];
}

function describePod(pod: V1Pod): ComponentPod {
  const owner = pod.metadata?.ownerReferences?.[0];
  return {
    namespace: pod.metadata?.namespace ?? '',
    pod: pod.metadata?.name ?? '',
    node: pod.spec?.nodeName ?? '',
    owner: owner ? `${owner.kind}/${owner.name}` : '',
    phase: pod.status?.phase ?? 'Unknown',
    ready: (pod.status?.containerStatuses ?? []).every((c) => c.ready),
    images: (pod.spec?.containers ?? []).map((c) => c.image ?? ''),
  };
}

/** The strings a component is recognised by. */
function identity(pod: V1Pod): string[] {
  const labels = pod.metadata?.labels ?? {};
  return [
    pod.metadata?.name ?? '',
    ...(pod.metadata?.ownerReferences ?? []).map((o) => o.name),
    labels.app ?? '',
    labels.name ?? '',
    labels['app.kubernetes.io/name'] ?? '',
    labels['app.kubernetes.io/component'] ?? '',
    ...(pod.spec?.containers ?? []).map((c) => c.image ?? ''),
  ].filter(Boolean);
}

export function matchingPods(pods: readonly V1Pod[], pattern: RegExp): ComponentPod[] {
  return pods.filter((pod) => identity(pod).some((s) => pattern.test(s))).map(describePod);
}

export async function findComponentPods(
  inventory: Pick<ClusterInventory, 'pods'>,
  pattern: RegExp,
): Promise<ComponentPod[]> {
  return matchingPods(await inventory.pods(), pattern);
}

/** "kube-system/kube-multus-ds-abcde on worker (Running, ready)" */
export function formatComponentPod(p: ComponentPod): string {
  return `${p.namespace}/${p.pod} on ${p.node || '(unscheduled)'} (${p.phase}${p.ready ? ', ready' : ', not ready'})`;
}

export function running(p: ComponentPod): boolean {
  return p.phase === 'Running' && p.ready;
}
