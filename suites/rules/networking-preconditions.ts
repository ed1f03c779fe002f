/**
 * Preconditions of probes (node, networking, storage and workloads use it): a
 * pod that must run before anything can be judged. When it does not start,
 * the check ends there with a fail verdict that says what was expected and
 * why the pod did not run.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { endWith, fail, type Evidence } from '../../helpers/framework/result.js';
import type { Started } from '../../helpers/k8s/namespace-handle.js';

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
