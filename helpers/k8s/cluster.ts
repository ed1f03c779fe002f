/**
 * Connecting to the cluster under test: kubeconfig selection, the classifying
 * of connection errors into one readable line, and the preflight that proves
 * the credentials can do what a run needs before any check starts.
 */
import { existsSync } from 'node:fs';
import {
  ApiException,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  VersionApi,
} from '@kubernetes/client-node';
import { EnvironmentError, oneLine } from './errors.js';

export interface Cluster {
  kc: KubeConfig;
  core: CoreV1Api;
  /** API server URL, for messages. */
  server: string;
  /** Context name, or "in-cluster". */
  contextName: string;
}

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  /** For tests: pretend to be (or not be) inside a pod. */
  env?: NodeJS.ProcessEnv;
}

const serviceAccountToken = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * --kubeconfig/--context when given; otherwise the in-cluster service account
 * when running in a pod; otherwise the default kubeconfig's current context.
 * Throws EnvironmentError with one line for every way this can go wrong.
 */
export function loadKubeConfig(options: ConnectOptions = {}): {
  kc: KubeConfig;
  contextName: string;
} {
  const env = options.env ?? process.env;
  const kc = new KubeConfig();
  const inCluster =
    !options.kubeconfig &&
    !options.context &&
    Boolean(env.KUBERNETES_SERVICE_HOST) &&
    existsSync(serviceAccountToken);
  try {
    if (options.kubeconfig) {
      if (!existsSync(options.kubeconfig)) {
        throw new EnvironmentError(`kubeconfig ${options.kubeconfig} does not exist`);
      }
      kc.loadFromFile(options.kubeconfig);
    } else if (inCluster) {
      kc.loadFromCluster();
      return { kc, contextName: 'in-cluster' };
    } else {
      kc.loadFromDefault();
    }
  } catch (err) {
    if (err instanceof EnvironmentError) throw err;
    const where = options.kubeconfig ?? env.KUBECONFIG ?? '~/.kube/config';
    throw new EnvironmentError(`cannot read kubeconfig ${where}: ${oneLine(err)}`);
  }

  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new EnvironmentError(
        `context "${options.context}" does not exist in the kubeconfig (contexts: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  const contextName = kc.getCurrentContext();
  if (!contextName || !kc.getContextObject(contextName)) {
    throw new EnvironmentError('the kubeconfig has no current context; pass --context');
  }
  if (!kc.getCurrentCluster()) {
    throw new EnvironmentError(
      `context "${contextName}" names a cluster the kubeconfig does not define`,
    );
  }
  return { kc, contextName };
}

export function connect(options: ConnectOptions = {}): Cluster {
  const { kc, contextName } = loadKubeConfig(options);
  return {
    kc,
    core: kc.makeApiClient(CoreV1Api),
    server: kc.getCurrentCluster()?.server ?? 'unknown server',
    contextName,
  };
}

/** Error codes of a failed connection, found on the error or its causes. */
function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Messages of an error and its causes, outermost first ("fetch failed", "bad port"). */
function causeMessages(err: unknown): string[] {
  const messages: string[] = [];
  let current: unknown = err;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof Error) messages.push(oneLine(current));
    current = (current as { cause?: unknown }).cause;
  }
  return messages;
}

/** Turns an error from talking to the API server into one readable line. */
export function describeApiError(err: unknown, server: string): string {
  if (err instanceof ApiException) {
    const code = (err as ApiException<unknown>).code;
    if (code === 401)
      return `the API server at ${server} rejected the credentials (401 Unauthorized)`;
    if (code === 403)
      return `the credentials are not allowed to do this (403 Forbidden): ${oneLine(err)}`;
    return `the API server at ${server} answered ${code}: ${oneLine(err)}`;
  }
  const code = networkCode(err);
  const unreachable = [
    'ECONNREFUSED',
    'ENOTFOUND',
    'EHOSTUNREACH',
    'ENETUNREACH',
    'ETIMEDOUT',
    'ECONNRESET',
    'EAI_AGAIN',
    'UND_ERR_CONNECT_TIMEOUT',
  ];
  if (code && unreachable.includes(code))
    return `cannot reach the API server at ${server} (${code})`;
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/.test(code)) {
    return `TLS to the API server at ${server} failed (${code})`;
  }
  const messages = causeMessages(err);
  // Node's fetch will not connect to ports on the Fetch standard's block list (1, 6000, 10080...).
  if (messages.includes('bad port'))
    return `cannot reach the API server at ${server} (Node's fetch refuses this port: it is on the Fetch standard's list of blocked ports)`;
  const detail = messages.length > 0 ? messages.join(': ') : oneLine(err);
  return `cannot talk to the API server at ${server}: ${detail}${code ? ` (${code})` : ''}`;
}

export interface Permission {
  verb: string;
  resource: string;
  group?: string;
  subresource?: string;
}

const allowed = (verb: string, group: string | undefined, ...resources: string[]): Permission[] =>
  resources.map((resource) => ({ verb, resource, ...(group ? { group } : {}) }));

/** What a run must be allowed to do; checked up front with SelfSubjectAccessReviews. */
export const requiredPermissions: readonly Permission[] = [
  ...allowed('list', undefined, 'nodes', 'pods', 'namespaces', 'events'),
  ...allowed('create', undefined, 'namespaces', 'pods', 'services', 'configmaps', 'secrets'),
  ...allowed('create', undefined, 'persistentvolumeclaims'),
  ...allowed('delete', undefined, 'namespaces'),
  { verb: 'create', resource: 'pods', subresource: 'exec' },
  ...allowed('list', 'storage.k8s.io', 'storageclasses'),
  // The run's heartbeat (heartbeat.ts) and the reading of other runs' heartbeats.
  ...['create', 'get', 'update'].flatMap((verb) => allowed(verb, 'coordination.k8s.io', 'leases')),
];

/**
 * Proves the API server answers and the credentials may do what checks need.
 * Throws EnvironmentError (one line) otherwise, so no check starts half-able.
 */
export async function preflight(
  cluster: Cluster,
  timeoutMs: number,
): Promise<{ gitVersion: string }> {
  const withTimeout = <T>(promise: Promise<T>): Promise<T> =>
    Promise.race([
      promise,
      new Promise<T>((_, reject) =>
        setTimeout(
          () => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
          timeoutMs,
        ).unref(),
      ),
    ]);
  let gitVersion: string;
  try {
    gitVersion = (await withTimeout(cluster.kc.makeApiClient(VersionApi).getCode())).gitVersion;
  } catch (err) {
    throw new EnvironmentError(describeApiError(err, cluster.server));
  }

  const authz = cluster.kc.makeApiClient(AuthorizationV1Api);
  const denied: string[] = [];
  try {
    for (const permission of requiredPermissions) {
      const review = await withTimeout(
        authz.createSelfSubjectAccessReview({
          body: {
            apiVersion: 'authorization.k8s.io/v1',
            kind: 'SelfSubjectAccessReview',
            spec: { resourceAttributes: { ...permission } },
          },
        }),
      );
      if (!review.status?.allowed) {
        const resource = permission.group
          ? `${permission.resource}.${permission.group}`
          : permission.resource;
        const what = [resource, permission.subresource].filter(Boolean).join('/');
        denied.push(`${permission.verb} ${what}`);
      }
    }
  } catch (err) {
    throw new EnvironmentError(describeApiError(err, cluster.server));
  }
  if (denied.length > 0) {
    throw new EnvironmentError(
      `the credentials of context "${cluster.contextName}" lack permissions: cannot ${denied.join(', ')}`,
    );
  }
  return { gitVersion };
}
