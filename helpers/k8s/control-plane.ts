/**
 * The control plane as any client sees it, whatever runs it (kubeadm static
 * pods, k3s, OpenShift, a managed service): the API server instances the
 * `default/kubernetes` EndpointSlice lists, and the leader-election Leases the
 * scheduler and the controller manager renew. Observes only; the rules are in
 * suites/rules/control-plane.ts.
 */
import {
  ApiException,
  CoordinationV1Api,
  DiscoveryV1Api,
  type KubeConfig,
  type V1Lease,
} from '@kubernetes/client-node';
import { oneLine } from './errors.js';
import { poll } from './wait.js';

export const apiServerSliceSelector = 'kubernetes.io/service-name=kubernetes';

export interface ApiServerEndpoints {
  /** Addresses of endpoints not marked unready, sorted. */
  ready: string[];
  notReady: string[];
  /** Names of the slices read, for evidence. */
  slices: string[];
}

/** The API server instances: the default/kubernetes EndpointSlice(s) the API servers maintain themselves. */
export async function apiServerEndpoints(kc: KubeConfig): Promise<ApiServerEndpoints> {
  const slices = (
    await kc.makeApiClient(DiscoveryV1Api).listNamespacedEndpointSlice({
      namespace: 'default',
      labelSelector: apiServerSliceSelector,
    })
  ).items;
  const ready = new Set<string>();
  const notReady = new Set<string>();
  for (const slice of slices) {
    for (const endpoint of slice.endpoints ?? []) {
      // An unset ready condition means ready (EndpointSlice API).
      const into = endpoint.conditions?.ready === false ? notReady : ready;
      for (const address of endpoint.addresses) into.add(address);
    }
  }
  return {
    ready: [...ready].sort(),
    notReady: [...notReady].sort(),
    slices: slices.map((s) => s.metadata?.name ?? ''),
  };
}

/** Where each component's leader lease is looked for: kube-system first (kubeadm, k3s, most managed), then OpenShift's. */
export const leaderLeaseLocations = {
  'kube-scheduler': ['kube-system', 'openshift-kube-scheduler'],
  'kube-controller-manager': ['kube-system', 'openshift-kube-controller-manager'],
} as const;

export type LeaderComponent = keyof typeof leaderLeaseLocations;

export interface LeaseObservation {
  component: LeaderComponent;
  /** "namespace/name" of the lease found, or every place looked at when none was. */
  lookedAt: string[];
  found: boolean;
  holder?: string;
  leaseDurationSeconds?: number;
  /** renewTime at the first read and at the last (ISO), when set. */
  firstRenewTime?: string;
  lastRenewTime?: string;
  /** How long the lease was watched for a renewal. */
  watchedMs: number;
}

const renewTimeOf = (lease: V1Lease): string | undefined => {
  const t = lease.spec?.renewTime as Date | string | undefined;
  return t === undefined ? undefined : new Date(t).toISOString();
};

async function readLease(
  leases: CoordinationV1Api,
  namespace: string,
  name: string,
): Promise<V1Lease | undefined> {
  try {
    return await leases.readNamespacedLease({ namespace, name });
  } catch (err) {
    // Absent is an observation; any other answer (403, ...) is the run's problem and propagates.
    if (err instanceof ApiException && (err as ApiException<unknown>).code === 404)
      return undefined;
    throw err;
  }
}

/**
 * Reads the component's leader lease and re-reads it until renewTime moves, for
 * at most the lease's duration (a live leader renews well within it; kubeadm's
 * defaults renew every 2 s of a 15 s lease). No clock of ours is compared with
 * the cluster's.
 */
export async function observeLeaderLease(
  kc: KubeConfig,
  component: LeaderComponent,
  options: { maxWatchMs: number; log?: (line: string) => void; signal?: AbortSignal },
): Promise<LeaseObservation> {
  const leases = kc.makeApiClient(CoordinationV1Api);
  const lookedAt: string[] = [];
  for (const namespace of leaderLeaseLocations[component]) {
    lookedAt.push(`${namespace}/${component}`);
    const first = await readLease(leases, namespace, component);
    if (!first) continue;
    const duration = first.spec?.leaseDurationSeconds ?? 15;
    const firstRenewTime = renewTimeOf(first);
    const watched = await poll(
      `the lease ${namespace}/${component} to be renewed`,
      async () => {
        const lease = await readLease(leases, namespace, component);
        if (!lease) throw new Error(`the lease ${namespace}/${component} disappeared`);
        return lease;
      },
      (lease) => renewTimeOf(lease) !== firstRenewTime,
      {
        timeoutMs: Math.min(options.maxWatchMs, (duration + 2) * 1000),
        intervalMs: 1_000,
        log: options.log,
        signal: options.signal,
      },
    );
    if (watched.lastError !== undefined && watched.last === undefined)
      throw watched.lastError instanceof Error
        ? watched.lastError
        : new Error(oneLine(watched.lastError));
    const last = watched.last ?? first;
    return {
      component,
      lookedAt: [`${namespace}/${component}`],
      found: true,
      holder: last.spec?.holderIdentity ?? first.spec?.holderIdentity,
      leaseDurationSeconds: duration,
      firstRenewTime,
      lastRenewTime: renewTimeOf(last),
      watchedMs: watched.elapsedMs,
    };
  }
  return { component, lookedAt, found: false, watchedMs: 0 };
}

/** Both leader leases, watched at the same time. */
export function observeLeaderLeases(
  kc: KubeConfig,
  options: { maxWatchMs: number; log?: (line: string) => void; signal?: AbortSignal },
): Promise<LeaseObservation[]> {
  return Promise.all(
    (Object.keys(leaderLeaseLocations) as LeaderComponent[]).map((c) =>
      observeLeaderLease(kc, c, options),
    ),
  );
}
