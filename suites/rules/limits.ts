/**
 * ra2.ch.006: per node, the CPU the pods bound to it request and may use must
 * stay below the node's allocatable CPU (requests.cpu < allocatable.cpu and
 * limits.cpu < allocatable.cpu). A pod's CPU is what the scheduler counts:
 * the larger of its largest init container (plus the sidecars started before
 * it) and the sum of its containers and sidecars, plus the pod overhead. A
 * container without a CPU limit may use the whole node, so its pod's limit is
 * unbounded and the node's sum of limits has no bound either.
 */
import type {
  V1Container,
  V1LimitRange,
  V1Node,
  V1Pod,
  V1ResourceQuota,
} from '@kubernetes/client-node';
import { fail, pass, skip, type Verdict } from '../../helpers/framework/result.js';
import type { CheckContext } from '../../helpers/framework/context.js';
import { oneLine } from '../../helpers/k8s/errors.js';
import { nodeName } from '../../helpers/k8s/nodes.js';
import { parseQuantity } from '../../helpers/k8s/quantity.js';

export type Cores = number | 'unbounded';

const cpuOf = (c: V1Container, kind: 'requests' | 'limits'): number | undefined => {
  const q = c.resources?.[kind]?.cpu;
  return q === undefined ? undefined : parseQuantity(q);
};

/** The pod's effective CPU request or limit (the scheduler's formula, KEP-753 sidecars included). */
export function effectivePodCpu(pod: V1Pod, kind: 'requests' | 'limits'): Cores {
  const spec = pod.spec;
  const all = [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
  if (kind === 'limits' && all.some((c) => cpuOf(c, 'limits') === undefined)) return 'unbounded';
  const amount = (c: V1Container) => cpuOf(c, kind) ?? 0;
  let sidecars = 0;
  let initPeak = 0;
  for (const init of spec?.initContainers ?? []) {
    if (init.restartPolicy === 'Always') {
      sidecars += amount(init);
      initPeak = Math.max(initPeak, sidecars);
    } else initPeak = Math.max(initPeak, sidecars + amount(init));
  }
  const running = sidecars + (spec?.containers ?? []).reduce((sum, c) => sum + amount(c), 0);
  const overhead = spec?.overhead?.cpu ? parseQuantity(spec.overhead.cpu) : 0;
  return Math.max(initPeak, running) + overhead;
}

export interface CpuCommitment {
  node: string;
  /** In cores. */
  requests: number;
  /** In cores; 'unbounded' when a pod on the node has a container without a CPU limit. */
  limits: Cores;
  allocatable: number;
  pods: number;
  /** namespace/name of the pods whose CPU limit is unbounded. */
  unboundedPods: string[];
}

const round = (n: number) => Math.round(n * 1000) / 1000;
const podName = (p: V1Pod) => `${p.metadata?.namespace ?? ''}/${p.metadata?.name ?? ''}`;

/** Sums the effective CPU requests and limits of the pods bound to `node`. */
export function cpuCommitment(node: V1Node, pods: readonly V1Pod[]): CpuCommitment {
  const bound = pods.filter((pod) => pod.spec?.nodeName === nodeName(node));
  const unboundedPods = bound.filter((p) => effectivePodCpu(p, 'limits') === 'unbounded');
  const sum = (kind: 'requests' | 'limits') =>
    round(bound.reduce((s, p) => s + ((effectivePodCpu(p, kind) as number) || 0), 0));
  return {
    node: nodeName(node),
    requests: sum('requests'),
    limits: unboundedPods.length > 0 ? 'unbounded' : sum('limits'),
    allocatable: parseQuantity(node.status?.allocatable?.cpu ?? '0'),
    pods: bound.length,
    unboundedPods: unboundedPods.map(podName),
  };
}

const firstFew = (names: string[]) =>
  names.slice(0, 5).join(', ') + (names.length > 5 ? ` and ${names.length - 5} more` : '');

/** What breaks the rule on one node, or nothing. */
export function cpuOvercommit(n: CpuCommitment): string | undefined {
  const problems = [
    ...(n.requests < n.allocatable
      ? []
      : [`requests ${n.requests} >= allocatable ${n.allocatable}`]),
    ...(n.limits === 'unbounded'
      ? [
          `limits unbounded (${n.unboundedPods.length} pod(s) without a CPU limit: ${firstFew(n.unboundedPods)})`,
        ]
      : n.limits < n.allocatable
        ? []
        : [`limits ${n.limits} >= allocatable ${n.allocatable}`]),
  ];
  return problems.length > 0 ? `${n.node}: ${problems.join(', ')}` : undefined;
}

export function judgeCpuCommitment(
  perNode: readonly CpuCommitment[],
  evidence: Record<string, unknown> = {},
): Verdict {
  const all = { ...evidence, nodes: perNode };
  if (perNode.length === 0) return skip('nothing to judge: the API lists no node', all);
  const over = perNode.flatMap((n) => cpuOvercommit(n) ?? []);
  return over.length === 0
    ? pass(`CPU requests and limits stay below allocatable CPU on all ${perNode.length} nodes`, all)
    : fail(
        'on every node, sum of CPU requests < allocatable cpu and sum of CPU limits < allocatable cpu (a container without a CPU limit makes the sum unbounded)',
        over.join('; '),
        all,
      );
}

/**
 * Which namespaces hold objects that bound CPU: LimitRanges with a default or
 * maximum container CPU limit (every container then gets a limit) and
 * ResourceQuotas on limits.cpu / requests.cpu (which bound a namespace, not a node).
 */
export function limitEnforcement(
  limitRanges: readonly V1LimitRange[],
  quotas: readonly V1ResourceQuota[],
): { defaultOrMaxCpuLimit: string[]; cpuQuotas: string[] } {
  const where = (o: { metadata?: { namespace?: string; name?: string } }) =>
    `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;
  return {
    defaultOrMaxCpuLimit: limitRanges
      .filter((lr) =>
        (lr.spec?.limits ?? []).some(
          (l) =>
            l.type === 'Container' && (l._default?.cpu !== undefined || l.max?.cpu !== undefined),
        ),
      )
      .map(where),
    cpuQuotas: quotas
      .filter((q) =>
        Object.keys(q.spec?.hard ?? {}).some((k) => /^(limits|requests)\.cpu$|^cpu$/.test(k)),
      )
      .map(where),
  };
}

/**
 * limitEnforcement over the cluster's LimitRanges and ResourceQuotas, as evidence only:
 * a list the role may not make is named in the evidence, never a verdict.
 */
export async function cpuLimitEnforcement(
  ctx: CheckContext,
): Promise<ReturnType<typeof limitEnforcement> | string> {
  try {
    const [ranges, quotas] = await Promise.all([
      ctx.cluster.core.listLimitRangeForAllNamespaces(),
      ctx.cluster.core.listResourceQuotaForAllNamespaces(),
    ]);
    return limitEnforcement(ranges.items, quotas.items);
  } catch (err) {
    return `LimitRanges and ResourceQuotas not read: ${oneLine(err)}`;
  }
}
