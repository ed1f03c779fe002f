/**
 * Removing what dead runs left behind.
 *
 * Choice: an object is a leftover when it carries our managed-by label and
 * belongs to another run that liveness.ts judges dead: its heartbeat lease is
 * missing or stale, or its process on this host is gone. So a run started
 * right after a killed one removes that one's objects at once, and two live
 * runs can share a cluster without touching each other's. Objects without a
 * run label (made by hand or by an older version) have no heartbeat and count
 * as dead.
 */
import { hostname } from 'node:os';
import { ApiException, KubernetesObjectApi, type KubernetesObject } from '@kubernetes/client-node';
import type { Cluster } from '../k8s/cluster.js';
import { managedByLabel, MANAGED_BY, runLabel } from './labels.js';
import {
  controlName,
  judgeRun,
  processExists,
  readHeartbeat,
  type Judge,
  type Liveness,
} from './heartbeat.js';

/** Cluster-scoped kinds checks may create; namespaces are handled first. */
export const clusterScopedKinds: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' },
  { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass' },
  { apiVersion: 'v1', kind: 'PersistentVolume' },
];

/** Every object of a kind, in all namespaces, that matches a label selector. */
export async function listByLabel(
  objects: KubernetesObjectApi,
  apiVersion: string,
  kind: string,
  labelSelector: string,
): Promise<KubernetesObject[]> {
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
  return list.items;
}

export function leftoverSelector(currentRunId: string): string {
  return `${managedByLabel}=${MANAGED_BY},${runLabel}!=${currentRunId}`;
}

export function runIdOf(object: KubernetesObject): string {
  return object.metadata?.labels?.[runLabel] ?? '';
}

/** One dead run and what it left. */
export interface DeadRun {
  runId: string;
  reason: string;
  removed: string[];
}

const tolerate = (err: unknown) => {
  if (err instanceof ApiException && [403, 404].includes((err as ApiException<unknown>).code))
    return;
  throw err;
};

/**
 * Deletes every object of other runs judged dead; returns what went, per run.
 * Never throws on 403/404; the control namespace of a dead run goes last.
 */
export async function removeLeftovers(
  cluster: Cluster,
  currentRunId: string,
  log: (line: string) => void,
  judge: Partial<Judge> = {},
): Promise<DeadRun[]> {
  const labelSelector = leftoverSelector(currentRunId);
  const objects = KubernetesObjectApi.makeApiClient(cluster.kc);
  const namespaces = (await cluster.core.listNamespace({ labelSelector })).items;
  const clusterScoped: { apiVersion: string; kind: string; item: KubernetesObject }[] = [];
  for (const { apiVersion, kind } of clusterScopedKinds) {
    try {
      for (const item of await listByLabel(objects, apiVersion, kind, labelSelector))
        clusterScoped.push({ apiVersion, kind, item });
    } catch (err) {
      tolerate(err);
    }
  }

  const runIds = new Set([
    ...namespaces.map(runIdOf),
    ...clusterScoped.map(({ item }) => runIdOf(item)),
  ]);
  const fullJudge: Judge = {
    now: judge.now ?? new Date(),
    hostname: judge.hostname ?? hostname(),
    processExists: judge.processExists ?? processExists,
  };
  const dead: DeadRun[] = [];
  for (const runId of runIds) {
    const control = runId
      ? namespaces.find((ns) => ns.metadata?.name === controlName(runId))
      : undefined;
    const liveness: Liveness = runId
      ? judgeRun(
          {
            lease: control ? await readHeartbeat(cluster, runId) : undefined,
            controlNamespaceCreated: control?.metadata?.creationTimestamp
              ? new Date(control.metadata.creationTimestamp)
              : undefined,
          },
          fullJudge,
        )
      : { alive: false, reason: 'objects carry no run label' };
    if (liveness.alive) continue;

    const removed: string[] = [];
    const ofRun = namespaces.filter(
      (ns) => runIdOf(ns) === runId && ns.status?.phase !== 'Terminating',
    );
    // Check namespaces first, the control namespace (the heartbeat) last.
    ofRun.sort((a, b) => Number(a === control) - Number(b === control));
    for (const ns of ofRun) {
      const name = ns.metadata?.name ?? '';
      await cluster.core.deleteNamespace({ name }).catch(tolerate);
      removed.push(`namespace/${name}`);
    }
    for (const { apiVersion, kind, item } of clusterScoped.filter(
      (o) => runIdOf(o.item) === runId,
    )) {
      await objects
        .delete({ apiVersion, kind, metadata: { name: item.metadata?.name } })
        .catch(tolerate);
      removed.push(`${kind.toLowerCase()}/${item.metadata?.name ?? ''}`);
    }
    if (removed.length === 0) continue;
    dead.push({ runId, reason: liveness.reason, removed });
    log(
      `Removed leftovers of run ${runId || '(unlabelled)'} (${liveness.reason}): ${removed.join(', ')}`,
    );
  }
  return dead;
}
