/**
 * Starting a pod whose failure to start is itself the finding (a missing CNI
 * plugin, an unsatisfiable resource request): the wait's timeout becomes an
 * observation the suite turns into a fail verdict, not an error of the run.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { WaitTimeoutError } from '../k8s/wait.js';
import type { PodJig, Tweak } from './pod.js';

export type Started =
  | { started: true; pod: V1Pod }
  | { started: false; name: string; reason: string; described: Record<string, unknown> };

export async function tryStart(jig: PodJig, pod: V1Pod, tweak?: Tweak<V1Pod>): Promise<Started> {
  const name = pod.metadata?.name ?? '';
  try {
    return { started: true, pod: await jig.createAndWaitRunning(pod, tweak) };
  } catch (err) {
    const ended = err instanceof Error && /ended with phase/.test(err.message);
    if (!(err instanceof WaitTimeoutError) && !ended) throw err;
    return { started: false, name, reason: err.message, described: await jig.describe(name) };
  }
}

/** Starts every pod (in order); stops at the first that does not start. */
export async function tryStartAll(
  jig: PodJig,
  pods: readonly V1Pod[],
): Promise<{ started: V1Pod[]; failed?: Extract<Started, { started: false }> }> {
  const started: V1Pod[] = [];
  for (const pod of pods) {
    const result = await tryStart(jig, pod);
    if (!result.started) return { started, failed: result };
    started.push(result.pod);
  }
  return { started };
}
