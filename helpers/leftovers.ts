/**
 * Removing what runs killed earlier left behind.
 *
 * Choice: an object is a leftover when it carries our managed-by label, belongs
 * to another run, and its `ra2.anuket.io/expires-at` annotation lies in the
 * past. Every namespace lives for one check, and a check is bounded by its
 * --timeout plus the cleanup grace, so its expiry is set to
 * creation + timeout + grace: a live run never has an expired namespace, and
 * two runs can share a cluster without deleting each other's objects. Objects
 * without the annotation (made by hand or by an older version) fall back to
 * their creationTimestamp plus the current run's horizon.
 */
import { ApiException, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import type { Cluster } from './cluster.js';
import { expiresAtAnnotation, managedByLabel, MANAGED_BY, runLabel } from './labels.js';

/** Cluster-scoped kinds checks may create; namespaces are handled first. */
export const clusterScopedKinds: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' },
  { apiVersion: 'v1', kind: 'PersistentVolume' },
];

export function isExpired(object: KubernetesObject, now: Date, horizonMs: number): boolean {
  const expiresAt = object.metadata?.annotations?.[expiresAtAnnotation];
  if (expiresAt && !Number.isNaN(Date.parse(expiresAt)))
    return Date.parse(expiresAt) < now.getTime();
  const created = object.metadata?.creationTimestamp;
  if (!created) return false;
  return new Date(created).getTime() + horizonMs < now.getTime();
}

export function leftoverSelector(currentRunId: string): string {
  return `${managedByLabel}=${MANAGED_BY},${runLabel}!=${currentRunId}`;
}

/** Deletes expired objects of other runs; returns their names. Never throws on 403/404. */
export async function removeLeftovers(
  cluster: Cluster,
  currentRunId: string,
  horizonMs: number,
  log: (line: string) => void,
  now: Date = new Date(),
): Promise<string[]> {
  const labelSelector = leftoverSelector(currentRunId);
  const removed: string[] = [];
  const tolerate = (err: unknown) => {
    if (err instanceof ApiException && [403, 404].includes((err as ApiException<unknown>).code))
      return;
    throw err;
  };

  const namespaces = await cluster.core.listNamespace({ labelSelector });
  for (const ns of namespaces.items) {
    if (!isExpired(ns, now, horizonMs) || ns.status?.phase === 'Terminating') continue;
    const name = ns.metadata?.name ?? '';
    await cluster.core.deleteNamespace({ name }).catch(tolerate);
    removed.push(`namespace/${name}`);
  }

  const objects = KubernetesObjectApi.makeApiClient(cluster.kc);
  for (const { apiVersion, kind } of clusterScopedKinds) {
    let items: KubernetesObject[] = [];
    try {
      const list = await objects.list(
        apiVersion,
        kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      );
      items = list.items;
    } catch (err) {
      tolerate(err);
    }
    for (const item of items.filter((o) => isExpired(o, now, horizonMs))) {
      await objects
        .delete({ apiVersion, kind, metadata: { name: item.metadata?.name } })
        .catch(tolerate);
      removed.push(`${kind.toLowerCase()}/${item.metadata?.name ?? ''}`);
    }
  }
  if (removed.length > 0) log(`Removed leftovers of earlier runs: ${removed.join(', ')}`);
  return removed;
}
