/**
 * Connecting to the cluster under test: kubeconfig selection, the classifying
 * of connection errors into one readable line, and the preflight that proves
 * the credentials can do what a run needs before any check starts.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import {
  ApiException,
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  VersionApi,
  type ApiConstructor,
  type ApiType,
} from '@kubernetes/client-node';
import { EnvironmentError, oneLine } from './errors.js';
import { retrying } from './retry.js';
import { ClusterInventory } from './inventory.js';

export interface Cluster {
  kc: KubeConfig;
  core: CoreV1Api;
  /** The run's shared read of nodes and pods, for checks that only look. */
  inventory: ClusterInventory;
  /** API server URL, for messages. */
  server: string;
  /** Context name, or "in-cluster". */
  contextName: string;
  /**
   * Where the credentials came from, for the run's first line: "--kubeconfig
   * /path", "KUBECONFIG=/a:/b", "/home/me/.kube/config" or "in-cluster service account".
   */
  source: string;
}

export interface ConnectOptions {
  kubeconfig?: string;
  context?: string;
  /** For tests: the environment (KUBECONFIG, HOME, KUBERNETES_SERVICE_HOST). */
  env?: NodeJS.ProcessEnv;
  /** For tests: a directory standing for / when looking for the service account's files. */
  inClusterRoot?: string;
}

/** The service account's files, as client-node's loadFromCluster reads them. */
const serviceAccountToken = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export const IN_CLUSTER_SOURCE = 'in-cluster service account';

/**
 * A KubeConfig whose API clients retry transient errors (retry.ts): every
 * client a check makes from the cluster's kc gets it, in this one place.
 */
class RetryingKubeConfig extends KubeConfig {
  override makeApiClient<T extends ApiType>(apiClientType: ApiConstructor<T>): T {
    return retrying(super.makeApiClient(apiClientType));
  }
}

/** Reads the files of a KUBECONFIG list as kubectl does: the first file to set a name or the current context wins. */
function loadMerged(kc: KubeConfig, files: readonly string[]): void {
  kc.loadFromFile(files[0] as string);
  for (const file of files.slice(1)) {
    const next = new KubeConfig();
    next.loadFromFile(file);
    const missing = <T extends { name: string }>(have: readonly T[], more: readonly T[]) =>
      more.filter((item) => !have.some((known) => known.name === item.name));
    kc.loadFromOptions({
      clusters: [...kc.clusters, ...missing(kc.clusters, next.clusters)],
      users: [...kc.users, ...missing(kc.users, next.users)],
      contexts: [...kc.contexts, ...missing(kc.contexts, next.contexts)],
      currentContext: kc.currentContext || next.currentContext,
    });
  }
}

/** Where a run finds its credentials, in kubectl's order. */
type Credentials =
  | { source: string; files: string[] }
  | { source: typeof IN_CLUSTER_SOURCE; root: string }
  | undefined;

/**
 * kubectl's order: --kubeconfig, then KUBECONFIG (a list; files that do not
 * exist are ignored), then ~/.kube/config, then the in-cluster service account.
 */
export function findCredentials(options: ConnectOptions = {}): Credentials {
  const env = options.env ?? process.env;
  if (options.kubeconfig) {
    if (!existsSync(options.kubeconfig)) {
      throw new EnvironmentError(`kubeconfig ${options.kubeconfig} does not exist`);
    }
    return { source: `--kubeconfig ${options.kubeconfig}`, files: [options.kubeconfig] };
  }
  if (env.KUBECONFIG) {
    const files = env.KUBECONFIG.split(path.delimiter).filter((f) => f && existsSync(f));
    if (files.length === 0) {
      throw new EnvironmentError(`KUBECONFIG=${env.KUBECONFIG} names no file that exists`);
    }
    return { source: `KUBECONFIG=${env.KUBECONFIG}`, files };
  }
  const home = path.join(env.HOME ?? homedir(), '.kube', 'config');
  if (existsSync(home)) return { source: home, files: [home] };
  const root = options.inClusterRoot ?? '';
  if (env.KUBERNETES_SERVICE_HOST && existsSync(`${root}${serviceAccountToken}`)) {
    return { source: IN_CLUSTER_SOURCE, root };
  }
  return undefined;
}

/**
 * The kubeconfig in kubectl's order (findCredentials), with --context applied.
 * Throws EnvironmentError with one line for every way this can go wrong.
 */
export function loadKubeConfig(options: ConnectOptions = {}): {
  kc: KubeConfig;
  contextName: string;
  source: string;
} {
  const credentials = findCredentials(options);
  if (!credentials) {
    throw new EnvironmentError(
      'no kubeconfig: pass --kubeconfig, set KUBECONFIG or create ~/.kube/config (or run in a pod with a service account)',
    );
  }
  const kc = new RetryingKubeConfig();
  const { source } = credentials;
  try {
    if ('root' in credentials) kc.loadFromCluster(credentials.root);
    else loadMerged(kc, credentials.files);
  } catch (err) {
    const where = 'root' in credentials ? source : credentials.files.join(path.delimiter);
    throw new EnvironmentError(`cannot read kubeconfig ${where}: ${oneLine(err)}`);
  }
  if ('root' in credentials && !options.context) {
    return { kc, contextName: 'in-cluster', source };
  }

  if (options.context) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new EnvironmentError(
        `context "${options.context}" does not exist in the kubeconfig (${source}; contexts: ${known.join(', ') || 'none'})`,
      );
    }
    kc.setCurrentContext(options.context);
  }
  const contextName = kc.getCurrentContext();
  if (!contextName || !kc.getContextObject(contextName)) {
    throw new EnvironmentError(`the kubeconfig (${source}) has no current context; pass --context`);
  }
  if (!kc.getCurrentCluster()) {
    throw new EnvironmentError(
      `context "${contextName}" names a cluster the kubeconfig does not define`,
    );
  }
  return { kc, contextName, source };
}

export function connect(options: ConnectOptions = {}): Cluster {
  const { kc, contextName, source } = loadKubeConfig(options);
  const core = kc.makeApiClient(CoreV1Api);
  return {
    kc,
    core,
    inventory: new ClusterInventory(core),
    server: kc.getCurrentCluster()?.server ?? 'unknown server',
    contextName,
    source,
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
