/**
 * Pod templates for probes; the namespace handle (ctx.ns().pods) creates,
 * waits for and execs in them.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';

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
