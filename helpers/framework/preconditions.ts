/**
 * Preconditions of probes: a pod that must run before anything can be judged. When it does not start,
 * the check ends there with a fail verdict that says what was expected and
 * why the pod did not run.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { endWith, fail, type Evidence } from './result.js';
import type { Started } from '../k8s/namespace-handle.js';

/** The started pod, or the end of the check: fail(expected, why not, evidence + the pod described). */
export async function mustStart(
  starting: Promise<Started>,
  expected: string,
  evidence: Evidence = {},
): Promise<V1Pod> {
  const started = await starting;
  if (!started.started)
    endWith(fail(expected, started.reason, { ...evidence, pod: started.described }));
  return started.pod;
}

/** Every pod started, or the check ends: fail(expected, why each other one did not start). */
export function mustAllStart(
  started: readonly Started[],
  expected: string,
  evidence: Evidence = {},
): void {
  const notStarted = started.flatMap((s) => (s.started ? [] : [`${s.name}: ${s.reason}`]));
  if (notStarted.length > 0) endWith(fail(expected, notStarted.join('; '), evidence));
}
