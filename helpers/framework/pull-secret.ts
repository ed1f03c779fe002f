/**
 * --image-pull-secret (RA2_IMAGE_PULL_SECRET): probe pods pull with a secret
 * the user names. A pod's imagePullSecrets name secrets of its own namespace,
 * and a run makes a namespace per check, so the named secret is read once at
 * the start (a missing one stops the run before any check) and copied, with
 * the run's labels, into each namespace the run creates before its pods.
 */
import type { CoreV1Api, V1Secret } from '@kubernetes/client-node';
import { describeApiError, type Cluster } from '../k8s/cluster.js';
import { EnvironmentError, UsageError } from '../k8s/errors.js';

export const PULL_SECRET_SETTING = '--image-pull-secret (RA2_IMAGE_PULL_SECRET)';
/** The secret types the kubelet reads registry credentials from. */
export const PULL_SECRET_TYPES: readonly string[] = [
  'kubernetes.io/dockerconfigjson',
  'kubernetes.io/dockercfg',
];

export interface PullSecretRef {
  /** Unset: the kubeconfig context's namespace, else "default". */
  namespace?: string;
  name: string;
}

/** The secret read at the start of the run: what each of the run's namespaces gets a copy of. */
export interface PullSecret {
  name: string;
  /** Where it was read from, for messages. */
  from: string;
  type: string;
  data: Record<string, string>;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** "regcred" or "registry-creds/regcred"; throws UsageError saying what is wrong. */
export function parsePullSecretRef(text: string): PullSecretRef {
  const parts = text.trim().split('/');
  const [first = '', second] = parts;
  if (parts.length > 2) throw new UsageError(`"${text}" is not <name> or <namespace>/<name>`);
  const name = second ?? first;
  const namespace = second === undefined ? undefined : first;
  if (namespace !== undefined && !DNS_LABEL.test(namespace))
    throw new UsageError(`"${namespace}" is not a namespace name`);
  if (!DNS_SUBDOMAIN.test(name)) throw new UsageError(`"${name}" is not a secret name`);
  return { namespace, name };
}

/** The namespace a bare name is looked up in: the context's, as kubectl would, else "default". */
export function pullSecretNamespace(ref: PullSecretRef, cluster: Pick<Cluster, 'kc'>): string {
  return (
    ref.namespace ??
    cluster.kc.getContextObject(cluster.kc.getCurrentContext())?.namespace ??
    'default'
  );
}

/**
 * Reads the named secret. A missing secret, or one that holds no registry
 * credentials, is a UsageError (exit 2, one line); an API refusal an EnvironmentError.
 */
export async function readPullSecret(
  cluster: Pick<Cluster, 'kc' | 'core' | 'server'>,
  text: string,
): Promise<PullSecret> {
  const ref = parsePullSecretRef(text);
  const namespace = pullSecretNamespace(ref, cluster);
  const from = `${namespace}/${ref.name}`;
  let found: V1Secret | undefined;
  try {
    // A list narrowed to the one secret: "list secrets" is granted already (rbac-least-privilege.yaml).
    const list = await cluster.core.listSecretForAllNamespaces({
      fieldSelector: `metadata.namespace=${namespace},metadata.name=${ref.name}`,
    });
    found = list.items[0];
  } catch (err) {
    throw new EnvironmentError(
      `${PULL_SECRET_SETTING}: cannot read secret ${from}: ${describeApiError(err, cluster.server)}`,
    );
  }
  if (!found)
    throw new UsageError(
      `${PULL_SECRET_SETTING}: there is no secret ${ref.name} in namespace ${namespace}${ref.namespace ? '' : " (the kubeconfig context's namespace; name another as <namespace>/<name>)"}`,
    );
  const type = found.type ?? 'Opaque';
  if (!PULL_SECRET_TYPES.includes(type))
    throw new UsageError(
      `${PULL_SECRET_SETTING}: secret ${from} is of type ${type}, not ${PULL_SECRET_TYPES.join(' or ')}`,
    );
  return { name: ref.name, from, type, data: { ...found.data } };
}

/** The copy for one of the run's namespaces: same name, type and data; the run's labels. */
export function pullSecretCopy(secret: PullSecret, labels: Record<string, string>): V1Secret {
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: {
      name: secret.name,
      labels,
      annotations: { 'ra2.anuket.io/copied-from': secret.from },
    },
    type: secret.type,
    data: { ...secret.data },
  };
}

/** Copies the secret into a namespace of the run; it goes when the namespace does. */
export async function copyPullSecret(
  core: CoreV1Api,
  secret: PullSecret,
  namespace: string,
  labels: Record<string, string>,
  log: (line: string) => void,
): Promise<void> {
  await core.createNamespacedSecret({ namespace, body: pullSecretCopy(secret, labels) });
  log(`Copied image pull secret ${secret.from} to ${namespace}/${secret.name}`);
}
