/**
 * Pod jig: build a pod from a template plus a tweak, create it in the check's
 * namespace, wait for it with a deadline, and exec in it. On timeout the error
 * carries the pod's conditions and events, the last thing seen.
 */
import type { CoreV1Api, V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { execInContainer, type ExecResult } from '../k8s/exec.js';
import { WaitTimeoutError, waitFor } from '../k8s/wait.js';

export type Tweak<T> = (object: T) => void;

/**
 * A pod that passes the "restricted" Pod Security level: non-root, no
 * privilege escalation, all capabilities dropped, RuntimeDefault seccomp.
 */
export function restrictedPod(ctx: CheckContext, name: string, command: string[]): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { ...ctx.labels, 'ra2.anuket.io/pod': name } },
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
          image: ctx.probeImage,
          imagePullPolicy: 'IfNotPresent',
          command,
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    },
  };
}

/** A pod that sleeps, to exec into. */
export function sleeperPod(ctx: CheckContext, name: string): V1Pod {
  return restrictedPod(ctx, name, ['sh', '-c', 'sleep 3600']);
}

export class PodJig {
  constructor(
    private readonly ctx: CheckContext,
    readonly namespace: string,
  ) {}

  static async inCheckNamespace(ctx: CheckContext): Promise<PodJig> {
    return new PodJig(ctx, await ctx.namespace());
  }

  private get core(): CoreV1Api {
    return this.ctx.cluster.core;
  }

  async create(pod: V1Pod, tweak?: Tweak<V1Pod>): Promise<V1Pod> {
    tweak?.(pod);
    const created = await this.core.createNamespacedPod({ namespace: this.namespace, body: pod });
    this.ctx.log(`Created pod ${this.namespace}/${created.metadata?.name ?? ''}`);
    return created;
  }

  /** Creates the pod and waits until it is Running with every container ready. */
  async createAndWaitRunning(pod: V1Pod, tweak?: Tweak<V1Pod>): Promise<V1Pod> {
    const created = await this.create(pod, tweak);
    return this.waitRunning(created.metadata?.name ?? '');
  }

  async waitRunning(name: string): Promise<V1Pod> {
    try {
      return await waitFor(
        `pod ${this.namespace}/${name} to be running and ready`,
        () => this.core.readNamespacedPod({ name, namespace: this.namespace }),
        (pod) => {
          if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded') {
            throw new Error(`pod ${name} ended with phase ${pod.status.phase}`);
          }
          return (
            pod.status?.phase === 'Running' &&
            (pod.status.containerStatuses ?? []).every((c) => c.ready)
          );
        },
        this.waitOptions(this.ctx.timeouts.podStart),
      );
    } catch (err) {
      if (err instanceof WaitTimeoutError) throw await this.explainTimeout(err, name);
      throw err;
    }
  }

  /** Conditions, container states and events of the pod, for a failure message. */
  async describe(name: string): Promise<Record<string, unknown>> {
    const [pod, events] = await Promise.all([
      this.core.readNamespacedPod({ name, namespace: this.namespace }).catch(() => undefined),
      this.core
        .listNamespacedEvent({
          namespace: this.namespace,
          fieldSelector: `involvedObject.name=${name}`,
        })
        .then((list) => list.items)
        .catch(() => []),
    ]);
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

  private async explainTimeout(err: WaitTimeoutError, name: string): Promise<Error> {
    const described = await this.describe(name);
    const events = (described.events as string[]).slice(-5).join(' | ') || 'no events';
    const conditions = (described.conditions as string[]).join(', ') || 'no conditions';
    return new WaitTimeoutError(
      `${err.message.replace(/^timed out after \S+ waiting for /, '')}; conditions: ${conditions}; events: ${events}`,
      this.ctx.timeouts.podStart,
      described,
    );
  }

  async exec(name: string, command: string[], container = 'probe'): Promise<ExecResult> {
    this.ctx.log(`Exec in ${this.namespace}/${name}: ${command.join(' ')}`);
    const result = await execInContainer(
      this.ctx.cluster.kc,
      { namespace: this.namespace, pod: name, container },
      command,
      this.ctx.timeouts.exec,
    );
    this.ctx.log(
      `  exit ${result.exitCode}; stdout: ${result.stdout.trim().slice(0, 500)}; stderr: ${result.stderr.trim().slice(0, 500)}`,
    );
    return result;
  }

  waitOptions(timeoutMs: number) {
    return {
      timeoutMs,
      intervalMs: this.ctx.timeouts.pollInterval,
      log: (line: string) => this.ctx.log(line),
      signal: this.ctx.signal,
    };
  }
}
