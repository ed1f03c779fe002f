/**
 * PersistentVolumeClaim jig: a claim template (created through the namespace
 * handle, `ns.createClaim`), a wait until it is bound (with WaitForFirstConsumer
 * classes that happens only once a pod uses it), and the volume it got.
 * Observes; suites assert.
 */
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import type { NamespaceHandle } from '../k8s/namespace-handle.js';
import { poll } from '../k8s/wait.js';

/** A ReadWriteOnce claim of the default class; the namespace handle labels it. */
export function claim(name: string, size = '64Mi'): V1PersistentVolumeClaim {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } },
  };
}

export type BoundClaim =
  | { bound: true; claim: V1PersistentVolumeClaim; volume?: V1PersistentVolume }
  | { bound: false; phase: string; events: string[] };

/** Waits for the claim to be Bound and reads its volume; a timeout is returned, not thrown. */
export async function waitBound(
  ctx: CheckContext,
  ns: NamespaceHandle,
  name: string,
): Promise<BoundClaim> {
  const { core } = ctx.cluster;
  const namespace = ns.name;
  const seen = await poll(
    `PVC ${namespace}/${name} to be Bound`,
    () => core.readNamespacedPersistentVolumeClaim({ name, namespace }),
    (pvc) => pvc.status?.phase === 'Bound',
    ns.pollOptions(ctx.timeouts.pvcBound),
  );
  if (seen.done && seen.last) {
    const volumeName = seen.last.spec?.volumeName;
    const volume = volumeName
      ? await core.readPersistentVolume({ name: volumeName }).catch(() => undefined)
      : undefined;
    return { bound: true, claim: seen.last, volume };
  }
  // A last poll that failed leaves the phase unknown, not the one seen before it.
  const last = seen.lastError === undefined ? seen.last : undefined;
  const events = (
    await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` })
  ).items.map((e) => `${e.type ?? ''} ${e.reason ?? ''}: ${e.message ?? ''}`);
  return { bound: false, phase: last?.status?.phase ?? 'unknown', events };
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
