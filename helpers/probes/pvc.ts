/**
 * PersistentVolumeClaim jig: create a claim from a template plus a tweak, wait
 * until it is bound (with WaitForFirstConsumer classes that happens only once
 * a pod uses it), and read the volume it got. Observes; suites assert.
 */
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { WaitTimeoutError, waitFor } from '../k8s/wait.js';
import type { Tweak } from './pod.js';

export function claim(ctx: CheckContext, name: string, size = '64Mi'): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, labels: ctx.labels },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } },
  };
}

export async function createClaim(
  ctx: CheckContext,
  namespace: string,
  body: V1PersistentVolumeClaim,
  tweak?: Tweak<V1PersistentVolumeClaim>,
): Promise<V1PersistentVolumeClaim> {
  tweak?.(body);
  const created = await ctx.cluster.core.createNamespacedPersistentVolumeClaim({ namespace, body });
  ctx.log(
    `Created PVC ${namespace}/${created.metadata?.name ?? ''} (class ${created.spec?.storageClassName ?? 'default'})`,
  );
  return created;
}

export type BoundClaim =
  | { bound: true; claim: V1PersistentVolumeClaim; volume?: V1PersistentVolume }
  | { bound: false; phase: string; events: string[] };

/** Waits for the claim to be Bound and reads its volume; a timeout is returned, not thrown. */
export async function waitBound(
  ctx: CheckContext,
  namespace: string,
  name: string,
): Promise<BoundClaim> {
  const { core } = ctx.cluster;
  try {
    const bound = await waitFor(
      `PVC ${namespace}/${name} to be Bound`,
      () => core.readNamespacedPersistentVolumeClaim({ name, namespace }),
      (pvc) => pvc.status?.phase === 'Bound',
      {
        timeoutMs: ctx.timeouts.pvcBound,
        intervalMs: ctx.timeouts.pollInterval,
        log: (line) => ctx.log(line),
        signal: ctx.signal,
      },
    );
    const volumeName = bound.spec?.volumeName;
    const volume = volumeName
      ? await core.readPersistentVolume({ name: volumeName }).catch(() => undefined)
      : undefined;
    return { bound: true, claim: bound, volume };
  } catch (err) {
    if (!(err instanceof WaitTimeoutError)) throw err;
    const pvc = err.lastSeen as V1PersistentVolumeClaim | undefined;
    const events = (
      await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` })
    ).items.map((e) => `${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`);
    return { bound: false, phase: pvc?.status?.phase ?? 'unknown', events };
  }
}

/** What kind of volume source a PV has: "csi:<driver>", "hostPath", "local", "nfs", ... */
export function volumeSourceOf(pv: V1PersistentVolume): string {
  const spec = (pv.spec ?? {}) as Record<string, unknown>;
  if (pv.spec?.csi) return `csi:${pv.spec.csi.driver}`;
  const ignored = new Set([
    'accessModes',
    'capacity',
    'claimRef',
    'mountOptions',
    'nodeAffinity',
    'persistentVolumeReclaimPolicy',
    'storageClassName',
    'volumeMode',
    'volumeAttributesClassName',
  ]);
  return Object.keys(spec).find((k) => !ignored.has(k) && spec[k] !== undefined) ?? 'unknown';
}
