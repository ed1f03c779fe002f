/**
 * One handle on a check's namespace: every object kind a check makes is made
 * the same way, template + tweaks -> create (labelled with the run) -> wait.
 * Waits that time out carry what was last seen (a pod's conditions and
 * events); jigs build on this handle and return observations.
 */
import {
  CustomObjectsApi,
  NetworkingV1Api,
  type CoreV1Api,
  type CoreV1Event,
  type KubeConfig,
  type V1Ingress,
  type V1NetworkPolicy,
  type V1PersistentVolumeClaim,
  type V1Pod,
  type V1Service,
} from '@kubernetes/client-node';
import { PodEnvironmentError } from './errors.js';
import { clusterCauseOfNotReady, joinLines } from './start-cause.js';
import { execInContainer, type ExecResult } from './exec.js';
import { WaitTimeoutError, waitFor, type PollOptions } from './wait.js';

/** An edit of a template before it is created (the e2e framework's `tweak`). */
export type Tweak<T> = (object: T) => void;

export function applyTweaks<T>(object: T, tweaks: readonly (Tweak<T> | undefined)[]): T {
  for (const tweak of tweaks) tweak?.(object);
  return object;
}

export interface HandleEnv {
  kc: KubeConfig;
  core: CoreV1Api;
  namespace: string;
  /** Put on every object the handle creates. */
  labels: Record<string, string>;
  log: (line: string) => void;
  signal?: AbortSignal;
  timeouts: { podStart: number; exec: number; pollInterval: number };
  /** Secrets of this namespace every pod pulls its images with (--image-pull-secret). */
  imagePullSecrets?: readonly string[];
}

interface Metadata {
  metadata?: { name?: string; labels?: Record<string, string> };
}

function labelled<T extends Metadata>(env: HandleEnv, object: T): T {
  object.metadata = { ...object.metadata, labels: { ...env.labels, ...object.metadata?.labels } };
  return object;
}

/**
 * A pod that passes the "restricted" Pod Security level: non-root, no
 * privilege escalation, all capabilities dropped, RuntimeDefault seccomp; one
 * container named "probe". The probes' templates and the run's image
 * preflight start from it.
 */
export function restrictedPodTemplate(name: string, image: string, command: string[]): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: 65534,
        runAsGroup: 65534,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      containers: [
        {
          name: 'probe',
          image,
          imagePullPolicy: 'IfNotPresent',
          command,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

/**
 * Waiting reasons with which the kubelet says it cannot start a container for
 * a reason of the platform (registry, image name, pull secret, config), not of
 * what a check asked for: waiting longer changes nothing a check could judge.
 */
export const ENVIRONMENT_WAITING_REASONS: readonly string[] = [
  'ErrImagePull',
  'ImagePullBackOff',
  'InvalidImageName',
  'CreateContainerConfigError',
  'ErrImageNeverPull',
  'ImageInspectError',
  'RegistryUnavailable',
];

export interface PodEnvironmentProblem {
  container: string;
  image?: string;
  node?: string;
  /** The kubelet's waiting reason (one of ENVIRONMENT_WAITING_REASONS). */
  reason: string;
  /** The kubelet's message, on one line. */
  message: string;
}

/** The first container (init containers first) the kubelet cannot start for such a reason. */
export function podEnvironmentProblem(pod: V1Pod): PodEnvironmentProblem | undefined {
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  for (const status of statuses) {
    const waiting = status.state?.waiting;
    if (!waiting?.reason || !ENVIRONMENT_WAITING_REASONS.includes(waiting.reason)) continue;
    return {
      container: status.name,
      image: status.image,
      node: pod.spec?.nodeName,
      reason: waiting.reason,
      message: joinLines(waiting.message),
    };
  }
  return undefined;
}

/** Ends a wait on the pod at once (PodEnvironmentError) when the kubelet cannot start it. */
export function throwIfCannotStart(pod: V1Pod): void {
  const problem = podEnvironmentProblem(pod);
  if (!problem) return;
  const name = `${pod.metadata?.namespace ?? ''}/${pod.metadata?.name ?? ''}`;
  throw new PodEnvironmentError(name, problem.reason, problem.message, problem.image, problem.node);
}

/** Adds image pull secrets (of the pod's namespace) to the pod, keeping any it names already. */
export function withImagePullSecrets(names: readonly string[] = []): Tweak<V1Pod> {
  return (pod) => {
    if (names.length === 0) return;
    const spec = (pod.spec ??= { containers: [] });
    const have = new Set((spec.imagePullSecrets ?? []).map((ref) => ref.name));
    spec.imagePullSecrets = [
      ...(spec.imagePullSecrets ?? []),
      ...names.filter((name) => !have.has(name)).map((name) => ({ name })),
    ];
  };
}

interface PodAndEvents {
  pod: V1Pod | undefined;
  events: CoreV1Event[];
}

function describePod({ pod, events }: PodAndEvents): Record<string, unknown> {
  return {
    phase: pod?.status?.phase,
    node: pod?.spec?.nodeName,
    conditions: (pod?.status?.conditions ?? []).map(
      (c) => `${c.type}=${c.status}${c.reason ? ` (${c.reason}: ${c.message ?? ''})` : ''}`,
    ),
    containers: (pod?.status?.containerStatuses ?? []).map((c) => ({
      name: c.name,
      ready: c.ready,
      state: c.state,
    })),
    events: events.map((e) => `${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`),
  };
}

/** "timed out after 3m waiting for X" -> "X". */
function waitedFor(err: WaitTimeoutError): string {
  return err.message.replace(/^timed out after \S+ waiting for /, '');
}

/** A pod that started, or the observation of why it did not. */
export type Started =
  | { started: true; pod: V1Pod }
  | { started: false; name: string; reason: string; described: Record<string, unknown> };

export class Pods {
  constructor(private readonly env: HandleEnv) {}

  /** Every pod of a check is made here: labelled with the run, with the run's pull secrets. */
  async create(pod: V1Pod, ...tweaks: (Tweak<V1Pod> | undefined)[]): Promise<V1Pod> {
    const pullSecrets = withImagePullSecrets(this.env.imagePullSecrets);
    const body = labelled(this.env, applyTweaks(pod, [...tweaks, pullSecrets]));
    const created = await this.env.core.createNamespacedPod({
      namespace: this.env.namespace,
      body,
    });
    this.env.log(`Created pod ${this.env.namespace}/${created.metadata?.name ?? ''}`);
    return created;
  }

  /** Creates the pod and waits until it is Running with every container ready. */
  async createRunning(pod: V1Pod, ...tweaks: (Tweak<V1Pod> | undefined)[]): Promise<V1Pod> {
    const created = await this.create(pod, ...tweaks);
    return this.waitRunning(created.metadata?.name ?? '');
  }

  async waitRunning(name: string): Promise<V1Pod> {
    const { core, namespace } = this.env;
    try {
      return await waitFor(
        `pod ${namespace}/${name} to be running and ready`,
        () => core.readNamespacedPod({ name, namespace }),
        (pod) => {
          throwIfCannotStart(pod);
          if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
            throw new Error(`pod ${name} ended with phase ${pod.status.phase}`);
          }
          return (
            pod.status?.phase === 'Running' &&
            (pod.status.containerStatuses ?? []).every((c) => c.ready)
          );
        },
        this.pollOptions(this.env.timeouts.podStart),
      );
    } catch (err) {
      if (err instanceof WaitTimeoutError) throw await this.explainTimeout(err, name);
      throw err;
    }
  }

  /**
   * Starts a pod whose failure to start is itself the finding (a missing CNI
   * plugin, an unsatisfiable request): the timeout is returned, not thrown.
   * A pod the platform cannot start (PodEnvironmentError: its image cannot be
   * pulled) is no such finding and is thrown; so is a timeout for which the
   * cluster names no cause (start-cause.ts): the suite's wait ran out.
   */
  async tryStart(pod: V1Pod, ...tweaks: (Tweak<V1Pod> | undefined)[]): Promise<Started> {
    const name = pod.metadata?.name ?? '';
    try {
      return { started: true, pod: await this.createRunning(pod, ...tweaks) };
    } catch (err) {
      const ended = err instanceof Error && /ended with phase/.test(err.message);
      if (!(err instanceof WaitTimeoutError) && !ended) throw err;
      const seen = await this.observe(name);
      if (err instanceof WaitTimeoutError && !clusterCauseOfNotReady(seen.pod, seen.events))
        throw new WaitTimeoutError(
          `${waitedFor(err)}; the cluster names no cause (scheduled, no container failing, no Warning event)`,
          this.env.timeouts.podStart,
          err.lastSeen,
        );
      return { started: false, name, reason: err.message, described: describePod(seen) };
    }
  }

  /** Starts every pod (in order); stops at the first that does not start. */
  async tryStartAll(
    pods: readonly V1Pod[],
  ): Promise<{ started: V1Pod[]; failed?: Extract<Started, { started: false }> }> {
    const started: V1Pod[] = [];
    for (const pod of pods) {
      const result = await this.tryStart(pod);
      if (!result.started) return { started, failed: result };
      started.push(result.pod);
    }
    return { started };
  }

  /** Conditions, container states and events of the pod, for a failure message. */
  async describe(name: string): Promise<Record<string, unknown>> {
    return describePod(await this.observe(name));
  }

  /** The pod (undefined when it cannot be read) and its events. */
  private async observe(name: string): Promise<PodAndEvents> {
    const { core, namespace } = this.env;
    const [pod, events] = await Promise.all([
      core.readNamespacedPod({ name, namespace }).catch(() => undefined),
      core
        .listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` })
        .then((list) => list.items)
        .catch(() => []),
    ]);
    return { pod, events };
  }

  private async explainTimeout(err: WaitTimeoutError, name: string): Promise<Error> {
    const described = await this.describe(name);
    const events = (described.events as string[]).slice(-5).join(' | ') || 'no events';
    const conditions = (described.conditions as string[]).join(', ') || 'no conditions';
    return new WaitTimeoutError(
      `${waitedFor(err)}; conditions: ${conditions}; events: ${events}`,
      this.env.timeouts.podStart,
      described,
    );
  }

  async exec(name: string, command: string[], container = 'probe'): Promise<ExecResult> {
    const { namespace, log } = this.env;
    log(`Exec in ${namespace}/${name}: ${command.join(' ')}`);
    const result = await execInContainer(
      this.env.kc,
      { namespace, pod: name, container },
      command,
      this.env.timeouts.exec,
    );
    log(
      `  exit ${result.exitCode}; stdout: ${result.stdout.trim().slice(0, 500)}; stderr: ${result.stderr.trim().slice(0, 500)}`,
    );
    return result;
  }

  pollOptions(timeoutMs: number): PollOptions {
    return {
      timeoutMs,
      intervalMs: this.env.timeouts.pollInterval,
      log: this.env.log,
      signal: this.env.signal,
    };
  }
}

/** NetworkAttachmentDefinitions (Multus); their CRD may be missing, which the caller handles. */
export const NAD_GROUP = 'k8s.cni.cncf.io';
export const NAD_VERSION = 'v1';
export const NAD_PLURAL = 'network-attachment-definitions';

export interface NetworkAttachment {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { config: string };
}

export class NamespaceHandle {
  readonly pods: Pods;

  constructor(private readonly env: HandleEnv) {
    this.pods = new Pods(env);
  }

  get name(): string {
    return this.env.namespace;
  }

  /** Wait options with this check's log, abort signal and poll interval. */
  pollOptions(timeoutMs: number): PollOptions {
    return this.pods.pollOptions(timeoutMs);
  }

  async createService(service: V1Service, ...tweaks: Tweak<V1Service>[]): Promise<V1Service> {
    return this.make('service', service, tweaks, (body) =>
      this.env.core.createNamespacedService({ namespace: this.name, body }),
    );
  }

  async createClaim(
    claim: V1PersistentVolumeClaim,
    ...tweaks: Tweak<V1PersistentVolumeClaim>[]
  ): Promise<V1PersistentVolumeClaim> {
    const created = await this.make('PVC', claim, tweaks, (body) =>
      this.env.core.createNamespacedPersistentVolumeClaim({ namespace: this.name, body }),
    );
    this.env.log(`  class ${created.spec?.storageClassName ?? 'default'}`);
    return created;
  }

  async createPolicy(
    policy: V1NetworkPolicy,
    ...tweaks: Tweak<V1NetworkPolicy>[]
  ): Promise<V1NetworkPolicy> {
    return this.make('NetworkPolicy', policy, tweaks, (body) =>
      this.networking().createNamespacedNetworkPolicy({ namespace: this.name, body }),
    );
  }

  async createIngress(ingress: V1Ingress, ...tweaks: Tweak<V1Ingress>[]): Promise<V1Ingress> {
    return this.make('Ingress', ingress, tweaks, (body) =>
      this.networking().createNamespacedIngress({ namespace: this.name, body }),
    );
  }

  async createAttachment(
    attachment: NetworkAttachment,
    ...tweaks: Tweak<NetworkAttachment>[]
  ): Promise<NetworkAttachment> {
    return this.make('NetworkAttachmentDefinition', attachment, tweaks, async (body) => {
      await this.env.kc.makeApiClient(CustomObjectsApi).createNamespacedCustomObject({
        group: NAD_GROUP,
        version: NAD_VERSION,
        namespace: this.name,
        plural: NAD_PLURAL,
        body: {
          apiVersion: `${NAD_GROUP}/${NAD_VERSION}`,
          kind: 'NetworkAttachmentDefinition',
          ...body,
        },
      });
      return body;
    });
  }

  /** Template + tweaks -> labelled with the run -> created, and logged. */
  private async make<T extends Metadata>(
    kind: string,
    template: T,
    tweaks: readonly Tweak<T>[],
    create: (body: T) => Promise<T>,
  ): Promise<T> {
    const created = await create(labelled(this.env, applyTweaks(template, tweaks)));
    this.env.log(`Created ${kind} ${this.name}/${created.metadata?.name ?? ''}`);
    return created;
  }

  private networking(): NetworkingV1Api {
    return this.env.kc.makeApiClient(NetworkingV1Api);
  }
}
