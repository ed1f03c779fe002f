/**
 * Pod templates for probes; the namespace handle (ctx.ns().pods) creates,
 * waits for and execs in them.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { restrictedPodTemplate } from '../k8s/namespace-handle.js';

/** The restricted probe pod (helpers/k8s restrictedPodTemplate) with the check's image and labels. */
export function restrictedPod(ctx: CheckContext, name: string, command: string[]): V1Pod {
  const pod = restrictedPodTemplate(name, ctx.probeImage, command);
  pod.metadata = { name, labels: { ...ctx.labels, 'ra2.anuket.io/pod': name } };
  return pod;
}

/** A pod that sleeps, to exec into. */
export function sleeperPod(ctx: CheckContext, name: string): V1Pod {
  return restrictedPod(ctx, name, ['sh', '-c', 'sleep 3600']);
}
