/**
 * The least-privilege ServiceAccount of sonobuoy/rbac-least-privilege.yaml on
 * a test cluster: its objects applied as the file has them, and a kubeconfig
 * that authenticates as that account with a token and nothing else.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ApiException,
  AuthorizationV1Api,
  KubeConfig,
  type KubernetesObject,
} from '@kubernetes/client-node';
import { parseAllDocuments } from 'yaml';
import type { TestCluster } from './cluster.js';

/** dist/test/e2e/support/least-privilege.js -> sonobuoy/rbac-least-privilege.yaml */
export const leastPrivilegeManifest = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  '..',
  'sonobuoy',
  'rbac-least-privilege.yaml',
);

export function readLeastPrivilegeManifest(): KubernetesObject[] {
  return parseAllDocuments(readFileSync(leastPrivilegeManifest, 'utf8')).map(
    (doc) => doc.toJS() as KubernetesObject,
  );
}

const isConflict = (err: unknown) =>
  err instanceof ApiException && (err as ApiException<unknown>).code === 409;

/**
 * Creates each object; one that already exists (an earlier run, or an install
 * by hand) is replaced by the file's version, so the rules are exactly the
 * file's. Returns the objects this call created (to delete afterwards).
 */
export async function applyObjects(
  cluster: TestCluster,
  objects: readonly KubernetesObject[],
): Promise<KubernetesObject[]> {
  const created: KubernetesObject[] = [];
  for (const object of objects) {
    try {
      await cluster.objects.create(object);
      created.push(object);
    } catch (err) {
      if (!isConflict(err)) throw err;
      if (object.kind === 'Namespace') continue;
      const current = await cluster.objects.read({
        apiVersion: object.apiVersion ?? '',
        kind: object.kind ?? '',
        metadata: { name: object.metadata?.name ?? '', namespace: object.metadata?.namespace },
      });
      await cluster.objects.replace({
        ...object,
        metadata: { ...object.metadata, resourceVersion: current.metadata?.resourceVersion },
      });
    }
  }
  return created;
}

/** The ServiceAccount the manifest binds to its ClusterRole. */
export function serviceAccountOf(objects: readonly KubernetesObject[]): {
  name: string;
  namespace: string;
} {
  const account = objects.find((o) => o.kind === 'ServiceAccount');
  const name = account?.metadata?.name;
  const namespace = account?.metadata?.namespace;
  if (!name || !namespace) throw new Error(`${leastPrivilegeManifest} has no ServiceAccount`);
  return { name, namespace };
}

/**
 * Writes a kubeconfig for the account: the test cluster's server and CA, and
 * a bound token (TokenRequest) as the only credential.
 */
export async function writeTokenKubeconfig(
  cluster: TestCluster,
  account: { name: string; namespace: string },
  file: string,
  expirationSeconds = 2 * 3600,
): Promise<string> {
  const server = cluster.kc.getCurrentCluster();
  if (!server) throw new Error(`${cluster.kubeconfig} has no current cluster`);
  const request = await cluster.core.createNamespacedServiceAccountToken({
    name: account.name,
    namespace: account.namespace,
    body: { spec: { audiences: [], expirationSeconds } },
  });
  const token = request.status?.token;
  if (!token) throw new Error(`no token issued for ${account.namespace}/${account.name}`);
  const user = `system:serviceaccount:${account.namespace}:${account.name}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [server],
    users: [{ name: user, token }],
    contexts: [{ name: 'ra2-least-privilege', cluster: server.name, user }],
    currentContext: 'ra2-least-privilege',
  });
  writeFileSync(file, kc.exportConfig(), { mode: 0o600 });
  return file;
}

/** Whether the kubeconfig's credentials may do VERB on RESOURCE (a SelfSubjectAccessReview). */
export async function may(
  kubeconfig: string,
  verb: string,
  resource: string,
  group = '',
): Promise<boolean> {
  const kc = new KubeConfig();
  kc.loadFromFile(kubeconfig);
  const review = await kc.makeApiClient(AuthorizationV1Api).createSelfSubjectAccessReview({
    body: {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: { resourceAttributes: { verb, resource, group } },
    },
  });
  return review.status?.allowed === true;
}
