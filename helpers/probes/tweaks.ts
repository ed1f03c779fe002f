/**
 * Shared edits of a pod template, passed as tweaks to the namespace handle
 * (`ns.pods.createRunning(sleeperPod(ctx, 'x'), pinToNode(node), withResources(...))`),
 * instead of hand edits of `pod.spec!.containers[0]!`.
 */
import type {
  V1Container,
  V1Node,
  V1Pod,
  V1ResourceRequirements,
  V1Volume,
  V1VolumeMount,
} from '@kubernetes/client-node';
import type { Tweak } from '../k8s/namespace-handle.js';

export const hostnameLabel = 'kubernetes.io/hostname';

/** The node's hostname label, which can differ from its name; the name when unlabelled. */
export function hostnameOf(node: V1Node): string {
  return node.metadata?.labels?.[hostnameLabel] ?? node.metadata?.name ?? '';
}

/** Schedules the pod on the node through its hostname label (the scheduler still admits it). */
export function pinToNode(node: V1Node): Tweak<V1Pod> {
  return (pod) => {
    pod.spec!.nodeSelector = { ...pod.spec!.nodeSelector, [hostnameLabel]: hostnameOf(node) };
  };
}

/** The pod's container of that name (the probe container unless said). */
export function containerOf(pod: V1Pod, name = 'probe'): V1Container {
  const container = pod.spec?.containers.find((c) => c.name === name);
  if (!container) throw new Error(`pod ${pod.metadata?.name ?? ''} has no container ${name}`);
  return container;
}

/** Requests and limits for one container; `limits` defaults to the requests (Guaranteed). */
export function withResources(
  requests: Record<string, string>,
  limits: Record<string, string> = requests,
  container = 'probe',
): Tweak<V1Pod> {
  return (pod) => {
    const resources: V1ResourceRequirements = { requests, limits };
    containerOf(pod, container).resources = resources;
  };
}

/** Adds a volume to the pod and mounts it in one container. */
export function withVolume(
  volume: V1Volume,
  mount: Omit<V1VolumeMount, 'name'>,
  container = 'probe',
): Tweak<V1Pod> {
  return (pod) => {
    pod.spec!.volumes = [...(pod.spec!.volumes ?? []), volume];
    const target = containerOf(pod, container);
    target.volumeMounts = [...(target.volumeMounts ?? []), { name: volume.name, ...mount }];
  };
}

/** Annotations on the pod (network attachments, for instance). */
export function withAnnotations(annotations: Record<string, string>): Tweak<V1Pod> {
  return (pod) => {
    pod.metadata = {
      ...pod.metadata,
      annotations: { ...pod.metadata?.annotations, ...annotations },
    };
  };
}

/** Extra labels on the pod (NetworkPolicies select clients by them). */
export function withPodLabels(labels: Record<string, string>): Tweak<V1Pod> {
  return (pod) => {
    pod.metadata = { ...pod.metadata, labels: { ...pod.metadata?.labels, ...labels } };
  };
}

/** Tolerates every taint, so the pod can land on control-plane and tainted nodes too. */
export const toleratingEveryTaint: Tweak<V1Pod> = (pod) => {
  pod.spec!.tolerations = [{ operator: 'Exists' }];
};
