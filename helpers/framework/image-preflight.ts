/**
 * Fail fast on the platform, not on the spec: beside the first probe checks
 * (the runner does not wait for it to start them), one pod on one schedulable
 * worker must pull and run the probe image. When it cannot
 * (a registry the nodes cannot reach, a wrong name, a missing pull secret),
 * every probe row would wait out its timeout and report the registry as the
 * cluster's failure; the run stops instead, with one line naming the image,
 * the node, the kubelet's reason and the setting that fixes it.
 */
import { ApiException, type V1Node, type V1Pod } from '@kubernetes/client-node';
import type { Cluster } from '../k8s/cluster.js';
import { EnvironmentError, oneLine, PodEnvironmentError } from '../k8s/errors.js';
import { NamespaceHandle, restrictedPodTemplate } from '../k8s/namespace-handle.js';
import { isControlPlane, isReady, nodeName } from '../k8s/nodes.js';
import { WaitTimeoutError } from '../k8s/wait.js';
import { copyPullSecret, type PullSecret } from './pull-secret.js';
import { SETTINGS } from './settings.js';

/** Within the issue's minute: the API preflight and the pod's deletion fit in the rest. */
export const IMAGE_PREFLIGHT_TIMEOUT_MS = 45_000;
export const IMAGE_PREFLIGHT_POD = 'ra2-image-preflight';

/** Taints that keep a pod without tolerations off a node. */
function repels(node: V1Node): boolean {
  return (node.spec?.taints ?? []).some(
    (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute',
  );
}

function schedulable(node: V1Node): boolean {
  return isReady(node) && !node.spec?.unschedulable && !repels(node);
}

/** A ready worker that takes pods without tolerations; else any node that does; else none. */
export function pickPreflightNode(nodes: readonly V1Node[]): V1Node | undefined {
  const candidates = nodes.filter(schedulable);
  return candidates.find((node) => !isControlPlane(node)) ?? candidates[0];
}

/** The restricted probe pod, bound to the node (the scheduler is not what this checks). */
export function preflightPod(image: string, node: string, labels: Record<string, string>): V1Pod {
  const pod = restrictedPodTemplate(IMAGE_PREFLIGHT_POD, image, ['sh', '-c', 'sleep 600']);
  pod.metadata = { ...pod.metadata, labels };
  Object.assign(pod.spec ?? {}, { nodeName: node, automountServiceAccountToken: false });
  return pod;
}

/** The settings that decide which probe image the nodes pull, and how. */
const IMAGE_SETTINGS: readonly string[] = ['probeImage', 'imagePrefix', 'imagePullSecret'];

/** "--probe-image (RA2_PROBE_IMAGE)": each such setting of the table, as the CLI and the plugin write it. */
export function fixingSettings(): string[] {
  return SETTINGS.filter((s) => IMAGE_SETTINGS.includes(s.name)).map((s) => {
    const flag = s.flag?.split(' ')[0] ?? s.env ?? s.name;
    return s.flag && s.env ? `${flag} (${s.env})` : flag;
  });
}

/** The one line of a failed preflight: image, node, the kubelet's reason, the fix. */
export function preflightFailure(image: string, node: string, why: string): string {
  const fixes = fixingSettings();
  const choices = `${fixes.slice(0, -1).join(', ')}${fixes.length > 1 ? ' or ' : ''}${fixes.at(-1) ?? ''}`;
  return `the probe image ${image} cannot run on node ${node}: ${why}; give the nodes an image they can pull with ${choices}`;
}

export interface ImagePreflight {
  cluster: Cluster;
  /** The run's control namespace: deleted with the run, so nothing outlives it. */
  namespace: string;
  image: string;
  /** --image-pull-secret: copied into the control namespace for the preflight pod. */
  pullSecret?: PullSecret;
  labels: Record<string, string>;
  timeoutMs?: number;
  pollIntervalMs?: number;
  signal?: AbortSignal;
  warn: (line: string) => void;
}

/**
 * Runs one pod of the probe image on one schedulable node and deletes it;
 * returns the node and the imageID the kubelet reported for the container.
 * Throws EnvironmentError (one line) when it cannot run.
 */
export async function checkProbeImage(
  request: ImagePreflight,
): Promise<{ node?: string; imageID?: string }> {
  const { cluster, image } = request;
  const node = pickPreflightNode(await cluster.inventory.nodes());
  if (!node) {
    request.warn(
      `no ready node takes pods: the probe image ${image} was not tried before the checks`,
    );
    return {};
  }
  const name = nodeName(node);
  const timeoutMs = request.timeoutMs ?? IMAGE_PREFLIGHT_TIMEOUT_MS;
  const handle = new NamespaceHandle({
    kc: cluster.kc,
    core: cluster.core,
    namespace: request.namespace,
    labels: request.labels,
    log: () => {},
    signal: request.signal,
    timeouts: {
      podStart: timeoutMs,
      exec: timeoutMs,
      pollInterval: request.pollIntervalMs ?? 1_000,
    },
    imagePullSecrets: request.pullSecret ? [request.pullSecret.name] : undefined,
  });
  if (request.pullSecret)
    await copyPullSecret(
      cluster.core,
      request.pullSecret,
      request.namespace,
      request.labels,
      () => {},
    );
  try {
    const running = await handle.pods.createRunning(preflightPod(image, name, request.labels));
    // What the kubelet actually ran: the run's metadata records its digest.
    const imageID = running.status?.containerStatuses?.find((c) => c.imageID)?.imageID;
    return { node: name, ...(imageID ? { imageID } : {}) };
  } catch (err) {
    // Interrupted by a signal or the deadline: the rows will say so, not this.
    if (request.signal?.aborted) return {};
    throw new EnvironmentError(preflightFailure(image, name, whyNot(err, timeoutMs)));
  } finally {
    await deletePod(cluster, request.namespace, request.warn);
  }
}

/** The kubelet's reason when it gave one; otherwise what the wait saw. */
function whyNot(err: unknown, timeoutMs: number): string {
  if (err instanceof PodEnvironmentError)
    return `${err.reason}${err.detail ? `: ${err.detail}` : ''}`;
  if (err instanceof WaitTimeoutError)
    return `not running after ${Math.round(timeoutMs / 1000)}s (${waitingReasons(err.lastSeen)})`;
  return oneLine(err);
}

/** "ContainerCreating" or "Pending": what the pod was doing when the wait gave up. */
function waitingReasons(described: unknown): string {
  const d = (described ?? {}) as {
    phase?: string;
    containers?: { state?: { waiting?: { reason?: string } } }[];
  };
  const reasons = (d.containers ?? []).flatMap((c) => c.state?.waiting?.reason ?? []);
  return reasons.join(', ') || `phase ${d.phase ?? 'unknown'}`;
}

async function deletePod(
  cluster: Cluster,
  namespace: string,
  warn: (line: string) => void,
): Promise<void> {
  try {
    await cluster.core.deleteNamespacedPod({
      name: IMAGE_PREFLIGHT_POD,
      namespace,
      gracePeriodSeconds: 0,
    });
  } catch (err) {
    if (err instanceof ApiException && (err as ApiException<unknown>).code === 404) return;
    // The control namespace goes at the end of the run and takes the pod with it.
    warn(
      `could not delete the image preflight pod ${namespace}/${IMAGE_PREFLIGHT_POD}: ${oneLine(err)}`,
    );
  }
}
