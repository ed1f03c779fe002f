/**
 * The per-check namespace fixture: created with the run's labels, Pod Security
 * admission as tight as the check declared, and an expiry annotation that lets
 * a later run recognise it as a leftover; deletion is registered at once. With
 * --image-pull-secret, the secret is copied in before the check makes any pod.
 */
import { ApiException, type CoreV1Api } from '@kubernetes/client-node';
import type { CleanupStack } from './cleanup.js';
import { expiresAtAnnotation, namespaceName, podSecurityLabels } from './labels.js';
import { copyPullSecret, type PullSecret } from './pull-secret.js';
import type { PodSecurityLevel } from './registry.js';

export interface NamespaceRequest {
  core: CoreV1Api;
  checkId: string;
  labels: Record<string, string>;
  podSecurity: PodSecurityLevel;
  expiresAt: Date;
  cleanup: CleanupStack;
  log: (line: string) => void;
  /** --image-pull-secret, read at the start of the run (pull-secret.ts readPullSecret). */
  pullSecret?: PullSecret;
}

export async function createCheckNamespace(request: NamespaceRequest): Promise<string> {
  const name = namespaceName(request.checkId);
  await request.core.createNamespace({
    body: {
      metadata: {
        name,
        labels: { ...request.labels, ...podSecurityLabels(request.podSecurity) },
        annotations: { [expiresAtAnnotation]: request.expiresAt.toISOString() },
      },
    },
  });
  request.log(`Created namespace ${name} (pod security: ${request.podSecurity})`);
  request.cleanup.push(`delete namespace ${name}`, () =>
    deleteNamespace(request.core, name, request.log),
  );
  if (request.pullSecret)
    await copyPullSecret(request.core, request.pullSecret, name, request.labels, request.log);
  return name;
}

/** Starts deletion and does not wait: namespace finalisation can take minutes. */
export async function deleteNamespace(
  core: CoreV1Api,
  name: string,
  log: (line: string) => void,
): Promise<void> {
  try {
    await core.deleteNamespace({ name });
    log(`Deleting namespace ${name}`);
  } catch (err) {
    if (err instanceof ApiException && (err as ApiException<unknown>).code === 404) return;
    throw err;
  }
}
