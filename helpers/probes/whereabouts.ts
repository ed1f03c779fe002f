/**
 * whereabouts IPAM keeps its reservations in the API: IPPools (one per range,
 * allocations keyed by offset, each naming its pod as podref "ns/name") and
 * OverlappingRangeIPReservations (one per address, spec.podref). A probe
 * that attached pods through whereabouts reads both after deleting its pods
 * to see whether any reservation of its namespace is left. Observes only; a
 * read the role may not make is reported, not thrown.
 */
import { CustomObjectsApi } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { oneLine } from '../k8s/errors.js';
import { poll } from '../k8s/wait.js';

export const WHEREABOUTS_GROUP = 'whereabouts.cni.cncf.io';
export const WHEREABOUTS_VERSION = 'v1alpha1';

interface Item {
  metadata?: { name?: string; namespace?: string };
  spec?: { range?: string; podref?: string; allocations?: Record<string, { podref?: string }> };
}

/** Reservations naming a pod of `namespace`, as "kind name: what", from listed IPPools and reservations. */
export function reservationsOf(
  namespace: string,
  pools: readonly Item[],
  overlapping: readonly Item[],
): string[] {
  const ours = (podref?: string) => podref?.startsWith(`${namespace}/`) === true;
  return [
    ...pools.flatMap((p) =>
      Object.entries(p.spec?.allocations ?? {})
        .filter(([, a]) => ours(a.podref))
        .map(
          ([offset, a]) =>
            `IPPool ${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''} (${p.spec?.range ?? ''}) offset ${offset}: ${a.podref ?? ''}`,
        ),
    ),
    ...overlapping
      .filter((r) => ours(r.spec?.podref))
      .map(
        (r) =>
          `OverlappingRangeIPReservation ${r.metadata?.namespace ?? ''}/${r.metadata?.name ?? ''}: ${r.spec?.podref ?? ''}`,
      ),
  ];
}

async function listAll(ctx: CheckContext, plural: string): Promise<Item[]> {
  const api = ctx.cluster.kc.makeApiClient(CustomObjectsApi);
  const list = (await api.listClusterCustomObject({
    group: WHEREABOUTS_GROUP,
    version: WHEREABOUTS_VERSION,
    plural,
  })) as { items?: Item[] };
  return list.items ?? [];
}

export interface ReservationsLeft {
  left: string[];
  /** Why the reservations could not be read (no whereabouts CRDs, a 403). */
  notRead?: string;
  waitedMs: number;
}

/**
 * The whereabouts reservations of `namespace` once its pods are deleted,
 * waiting up to `timeoutMs` for them to go (the CNI DEL frees them; the
 * whereabouts control loop frees those of vanished pods later).
 */
export async function reservationsLeft(
  ctx: CheckContext,
  namespace: string,
  timeoutMs: number,
): Promise<ReservationsLeft> {
  try {
    const polled = await poll(
      `whereabouts to free the reservations of ${namespace}`,
      async () =>
        reservationsOf(
          namespace,
          await listAll(ctx, 'ippools'),
          await listAll(ctx, 'overlappingrangeipreservations'),
        ),
      (left) => left.length === 0,
      {
        timeoutMs,
        intervalMs: ctx.timeouts.pollInterval,
        log: (line) => ctx.log(line),
        signal: ctx.signal,
      },
    );
    if (polled.last === undefined)
      return { left: [], notRead: oneLine(polled.lastError ?? 'no read finished'), waitedMs: 0 };
    return { left: polled.last, waitedMs: polled.elapsedMs };
  } catch (err) {
    return { left: [], notRead: oneLine(err), waitedMs: 0 };
  }
}
