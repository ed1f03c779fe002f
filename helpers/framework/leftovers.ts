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
import { describeApiError, type Cluster } from '../k8s/cluster.js';
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
  /** "could not remove <object>: <cause>", one per object that is still there. */
  notRemoved: string[];
}

/** One object to delete, named as the log names it ("namespace/x", "clusterrole/y"). */
export interface Removal {
  object: string;
  remove: () => Promise<unknown>;
}

const isNotFound = (err: unknown) =>
  err instanceof ApiException && (err as ApiException<unknown>).code === 404;

/**
 * Deletes each object; one already gone (404) counts as removed. Any other
 * failure, a 403 included, leaves the object out of `removed` and says why.
 */
export async function removeEach(
  removals: readonly Removal[],
  server: string,
): Promise<{ removed: string[]; notRemoved: string[] }> {
  const removed: string[] = [];
  const notRemoved: string[] = [];
  for (const { object, remove } of removals) {
    try {
      await remove();
      removed.push(object);
    } catch (err) {
      if (isNotFound(err)) removed.push(object);
      else notRemoved.push(`could not remove ${object}: ${describeApiError(err, server)}`);
    }
  }
  return { removed, notRemoved };
}

/** The log lines for one dead run: what went, then one line per object that did not. */
export function describeDeadRun(run: DeadRun): string[] {
  const name = run.runId || '(unlabelled)';
  const lines: string[] = [];
  if (run.removed.length > 0)
    lines.push(`Removed leftovers of run ${name} (${run.reason}): ${run.removed.join(', ')}`);
  for (const line of run.notRemoved) lines.push(`Leftovers of run ${name}: ${line}`);
  return lines;
}

/**
 * Cluster-scoped objects of the kinds checks may create that match the
 * selector. A kind the server does not serve (404) holds nothing; any other
 * failure is logged, since what it hides cannot be removed.
 */
async function listClusterScoped(
  objects: KubernetesObjectApi,
  labelSelector: string,
  server: string,
  log: (line: string) => void,
): Promise<{ apiVersion: string; kind: string; item: KubernetesObject }[]> {
  const found: { apiVersion: string; kind: string; item: KubernetesObject }[] = [];
  for (const { apiVersion, kind } of clusterScopedKinds) {
    try {
      for (const item of await listByLabel(objects, apiVersion, kind, labelSelector))
        found.push({ apiVersion, kind, item });
    } catch (err) {
      if (!isNotFound(err))
        log(`could not look for leftover ${kind} objects: ${describeApiError(err, server)}`);
    }
  }
  return found;
}

/**
 * Deletes every object of other runs judged dead; returns what went, and what
 * could not go and why, per run. Never throws on a failed delete; the control
 * namespace of a dead run goes last.
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
  const clusterScoped = await listClusterScoped(objects, labelSelector, cluster.server, log);

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

    const ofRun = namespaces.filter(
      (ns) => runIdOf(ns) === runId && ns.status?.phase !== 'Terminating',
    );
    // Check namespaces first, the control namespace (the heartbeat) last.
    ofRun.sort((a, b) => Number(a === control) - Number(b === control));
    const removals: Removal[] = [
      ...ofRun.map((ns) => {
        const name = ns.metadata?.name ?? '';
        return {
          object: `namespace/${name}`,
          remove: () => cluster.core.deleteNamespace({ name }),
        };
      }),
      ...clusterScoped
        .filter((o) => runIdOf(o.item) === runId)
        .map(({ apiVersion, kind, item }) => ({
          object: `${kind.toLowerCase()}/${item.metadata?.name ?? ''}`,
          remove: () =>
            objects.delete({ apiVersion, kind, metadata: { name: item.metadata?.name } }),
        })),
    ];
    if (removals.length === 0) continue;
    const outcome = await removeEach(removals, cluster.server);
    const run: DeadRun = { runId, reason: liveness.reason, ...outcome };
    dead.push(run);
    for (const line of describeDeadRun(run)) log(line);
  }
  return dead;
}
