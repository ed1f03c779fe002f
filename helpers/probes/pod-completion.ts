/**
 * Pods that run to completion: create, wait (with a deadline) until the pod
 * has Succeeded or Failed, and return its phase, node, exit code and log.
 * Observes only; a pod that never finishes is returned as last seen.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { throwIfCannotStart, type NamespaceHandle, type Tweak } from '../k8s/namespace-handle.js';
import { poll } from '../k8s/wait.js';

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

/** Ended; a pod whose image cannot be pulled never will, and that is the run's problem (it throws). */
const finished = (pod: V1Pod) => {
  throwIfCannotStart(pod);
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
};

export async function runToCompletion(
  ctx: CheckContext,
  ns: NamespaceHandle,
  pod: V1Pod,
  ...tweaks: Tweak<V1Pod>[]
): Promise<Completion> {
  const created = await ns.pods.create(pod, ...tweaks);
  const name = created.metadata?.name ?? '';
  const namespace = ns.name;
  const seen = await poll(
    `pod ${namespace}/${name} to run to completion`,
    () => ctx.cluster.core.readNamespacedPod({ name, namespace }),
    finished,
    ns.pollOptions(ctx.timeouts.podStart),
  );
  if (!seen.done || !seen.last) return unfinished(ns, name);
  const log = await ctx.cluster.core
    .readNamespacedPodLog({ name, namespace })
    .catch((e: unknown) => `(log unavailable: ${String(e)})`);
  return {
    pod: name,
    node: seen.last.spec?.nodeName,
    phase: seen.last.status?.phase ?? 'unknown',
    finished: true,
    exitCode: seen.last.status?.containerStatuses?.[0]?.state?.terminated?.exitCode,
    log: String(log).trim().slice(0, 500),
  };
}

async function unfinished(ns: NamespaceHandle, name: string): Promise<Completion> {
  const described = await ns.pods.describe(name);
  return {
    pod: name,
    node: described.node as string | undefined,
    phase: typeof described.phase === 'string' ? described.phase : 'unknown',
    finished: false,
    log: '',
    described,
  };
}
