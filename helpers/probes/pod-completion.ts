/**
 * Pods that run to completion: create, wait (with a deadline) until the pod
 * has Succeeded or Failed, and return its phase, node, exit code and log.
 * Observes only; a pod that never finishes is returned as last seen.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { WaitTimeoutError, waitFor } from '../k8s/wait.js';
import type { PodJig, Tweak } from './pod.js';

export interface Completion {
  pod: string;
  node?: string;
  /** Succeeded, Failed, or the phase last seen when the deadline passed. */
  phase: string;
  finished: boolean;
  exitCode?: number;
  log: string;
  /** Conditions and events when the pod did not finish. */
  described?: Record<string, unknown>;
}

export async function runToCompletion(
  ctx: CheckContext,
  jig: PodJig,
  pod: V1Pod,
  tweak?: Tweak<V1Pod>,
): Promise<Completion> {
  const created = await jig.create(pod, tweak);
  const name = created.metadata?.name ?? '';
  const namespace = jig.namespace;
  let last: V1Pod | undefined;
  try {
    last = await waitFor(
      `pod ${namespace}/${name} to run to completion`,
      () => ctx.cluster.core.readNamespacedPod({ name, namespace }),
      (p) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed',
      jig.waitOptions(ctx.timeouts.podStart),
    );
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    const described = await jig.describe(name);
    return {
      pod: name,
      node: described.node as string | undefined,
      phase: typeof described.phase === 'string' ? described.phase : 'unknown',
      finished: false,
      log: '',
      described,
    };
  }
  const log = await ctx.cluster.core
    .readNamespacedPodLog({ name, namespace })
    .catch((e: unknown) => `(log unavailable: ${String(e)})`);
  return {
    pod: name,
    node: last.spec?.nodeName,
    phase: last.status?.phase ?? 'unknown',
    finished: true,
    exitCode: last.status?.containerStatuses?.[0]?.state?.terminated?.exitCode,
    log: String(log).trim().slice(0, 500),
  };
}
