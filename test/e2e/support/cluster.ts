/**
 * The tests' own view of a cluster, through @kubernetes/client-node: what
 * objects carry the suite's managed-by label, and small waits over them.
 * Observes; the tests assert.
 */
import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { clusterScopedKinds, listByLabel } from '../../../helpers/framework/leftovers.js';
import {
  checkLabel,
  managedByLabel,
  MANAGED_BY,
  runLabel,
} from '../../../helpers/framework/labels.js';
import { STALE_AFTER_MS } from '../../../helpers/framework/heartbeat.js';
import { e2eTimeouts } from './timeouts.js';

export const managedBySelector = `${managedByLabel}=${MANAGED_BY}`;

export interface TestCluster {
  kubeconfig: string;
  kc: KubeConfig;
  core: CoreV1Api;
  objects: KubernetesObjectApi;
}

export function openCluster(kubeconfig: string): TestCluster {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  return {
    kubeconfig,
    kc,
    core: kc.makeApiClient(CoreV1Api),
    objects: KubernetesObjectApi.makeApiClient(kc),
  };
}

/**
 * Every kind the suite creates or could create, cluster-scoped and namespaced
 * (namespaced kinds are listed across all namespaces, so an object a check
 * put outside its own namespace is found too).
 */
export const watchedKinds: readonly { apiVersion: string; kind: string }[] = [
  { apiVersion: 'v1', kind: 'Namespace' },
  ...clusterScopedKinds,
  { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass' },
  { apiVersion: 'node.k8s.io/v1', kind: 'RuntimeClass' },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration' },
  { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration' },
  { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition' },
  { apiVersion: 'v1', kind: 'Pod' },
  { apiVersion: 'v1', kind: 'Service' },
  { apiVersion: 'v1', kind: 'ConfigMap' },
  { apiVersion: 'v1', kind: 'Secret' },
  { apiVersion: 'v1', kind: 'PersistentVolumeClaim' },
  { apiVersion: 'v1', kind: 'ServiceAccount' },
  { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role' },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding' },
  { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy' },
  { apiVersion: 'apps/v1', kind: 'Deployment' },
  { apiVersion: 'apps/v1', kind: 'DaemonSet' },
];

export interface LabelledObject {
  kind: string;
  namespace?: string;
  name: string;
  run?: string;
  check?: string;
  terminating: boolean;
}

function describeObject(kind: string, object: KubernetesObject): LabelledObject {
  const metadata = object.metadata ?? {};
  return {
    kind,
    namespace: metadata.namespace,
    name: metadata.name ?? '',
    run: metadata.labels?.[runLabel],
    check: metadata.labels?.[checkLabel],
    terminating: Boolean(metadata.deletionTimestamp),
  };
}

export function formatObject(o: LabelledObject): string {
  return `${o.kind.toLowerCase()}/${o.namespace ? `${o.namespace}/` : ''}${o.name}${o.terminating ? ' (terminating)' : ''}`;
}

/** Every object of the watched kinds that carries the suite's managed-by label. */
export async function listManagedObjects(
  cluster: TestCluster,
  labelSelector: string = managedBySelector,
): Promise<LabelledObject[]> {
  const found: LabelledObject[] = [];
  for (const { apiVersion, kind } of watchedKinds) {
    try {
      for (const item of await listByLabel(cluster.objects, apiVersion, kind, labelSelector))
        found.push(describeObject(kind, item));
    } catch (err) {
      // A kind this cluster does not serve cannot hold leftovers.
      if (isNotFound(err)) continue;
      if (err instanceof Error && /Unrecognized API version and kind/.test(err.message)) continue;
      throw err;
    }
  }
  return found;
}

/** Namespaces of the suite, optionally only those of one check. */
export async function managedNamespaces(
  cluster: TestCluster,
  checkId?: string,
): Promise<LabelledObject[]> {
  const selector = checkId ? `${managedBySelector},${checkLabel}=${checkId}` : managedBySelector;
  return (await cluster.core.listNamespace({ labelSelector: selector })).items.map((ns) =>
    describeObject('Namespace', ns),
  );
}

/** "fetch failed: connect ECONNREFUSED 127.0.0.1:36443": an error with its causes. */
export function errorChain(err: unknown): string {
  const parts: string[] = [];
  for (let current = err, depth = 0; current !== undefined && depth < 5; depth++) {
    parts.push(
      current instanceof Error ? (current.message.split('\n')[0] ?? '') : JSON.stringify(current),
    );
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}

/** Polls `get` until `done` holds; on timeout throws with the last value seen. */
export async function pollUntil<T>(
  description: string,
  get: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs: number,
  show: (value: T) => string = (value) => JSON.stringify(value),
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  for (;;) {
    try {
      last = await get();
      lastError = undefined;
      if (done(last)) return last;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const seen =
        lastError !== undefined
          ? `error ${errorChain(lastError)}`
          : last === undefined
            ? 'nothing'
            : show(last);
      throw new Error(
        `timed out after ${timeoutMs / 1000}s waiting for ${description}; last seen: ${seen}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, e2eTimeouts.poll));
  }
}

/**
 * Runs whose heartbeat lease is fresh right now, read by the test itself:
 * suite runs that others (a Sonobuoy plugin, a colleague) may have going on
 * the same cluster. Their objects are theirs, not leftovers.
 */
export async function liveRuns(cluster: TestCluster, now = Date.now()): Promise<Set<string>> {
  const leases = await cluster.kc
    .makeApiClient(CoordinationV1Api)
    .listLeaseForAllNamespaces({ labelSelector: managedBySelector });
  return new Set(
    leases.items
      .filter((lease) => {
        const renewed = lease.spec?.renewTime ? new Date(lease.spec.renewTime).getTime() : 0;
        return !lease.metadata?.deletionTimestamp && now - renewed <= STALE_AFTER_MS;
      })
      .map((lease) => lease.metadata?.labels?.[runLabel] ?? ''),
  );
}

/** Whose leftovers to look for: given runs (whatever their state), or every run not live. */
export type LeftoverScope = { runs: readonly string[] } | 'every-run-not-live';

/** Managed objects in the scope; objects of live runs of others are left out of 'every-run-not-live'. */
export async function listLeftovers(
  cluster: TestCluster,
  scope: LeftoverScope,
): Promise<LabelledObject[]> {
  const objects = await listManagedObjects(cluster);
  if (scope !== 'every-run-not-live')
    return objects.filter((o) => scope.runs.includes(o.run ?? ''));
  const live = await liveRuns(cluster);
  return objects.filter((o) => !live.has(o.run ?? ''));
}

/**
 * Waits until no object in the scope carries the managed-by label; returns []
 * or throws naming what is left. Always also covers runs that are not live.
 */
export function waitForNoLeftovers(
  cluster: TestCluster,
  runs: readonly string[] = [],
  timeoutMs: number = e2eTimeouts.noLeftovers,
): Promise<LabelledObject[]> {
  return pollUntil(
    `no object labelled ${managedBySelector} of ${runs.length > 0 ? `run ${runs.join(', ')} or ` : ''}any run without a live heartbeat`,
    async () => {
      const ofRuns = runs.length > 0 ? await listLeftovers(cluster, { runs }) : [];
      const ofDead = await listLeftovers(cluster, 'every-run-not-live');
      return [...new Map([...ofRuns, ...ofDead].map((o) => [formatObject(o), o])).values()];
    },
    (objects) => objects.length === 0,
    timeoutMs,
    (objects) => objects.map(formatObject).join(', '),
  );
}

/** Waits until no other run of the suite is live on the cluster (before changing shared state). */
export function waitForNoLiveRuns(cluster: TestCluster, timeoutMs: number): Promise<Set<string>> {
  return pollUntil(
    'other runs of the suite on this cluster to finish',
    () => liveRuns(cluster),
    (live) => live.size === 0,
    timeoutMs,
    (live) => [...live].join(', '),
  );
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiException && (err as ApiException<unknown>).code === 404;
}
