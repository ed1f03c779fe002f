/**
 * The tests' own view of a cluster, through @kubernetes/client-node: what
 * objects carry the suite's managed-by label, and small waits over them.
 * Observes; the tests assert.
 */
import {
  ApiException,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { clusterScopedKinds } from '../../../helpers/leftovers.js';
import { checkLabel, managedByLabel, MANAGED_BY, runLabel } from '../../../helpers/labels.js';
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
      const list = await cluster.objects.list(
        apiVersion,
        kind,
        undefined,
        undefined,
        undefined,
        undefined,
        undefined,
        labelSelector,
      );
      for (const item of list.items) found.push(describeObject(kind, item));
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
          ? `error ${lastError instanceof Error ? lastError.message : JSON.stringify(lastError)}`
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

/** Waits until no watched object carries the managed-by label; returns [] or throws naming what is left. */
export function waitForNoManagedObjects(
  cluster: TestCluster,
  timeoutMs: number = e2eTimeouts.noLeftovers,
): Promise<LabelledObject[]> {
  return pollUntil(
    `no object labelled ${managedBySelector}`,
    () => listManagedObjects(cluster),
    (objects) => objects.length === 0,
    timeoutMs,
    (objects) => objects.map(formatObject).join(', '),
  );
}

export function isNotFound(err: unknown): boolean {
  return err instanceof ApiException && (err as ApiException<unknown>).code === 404;
}
