/**
 * Huge pages, as nodes advertise them and as a container uses them: a pod
 * template tweak that mounts one hugetlbfs emptyDir per size, a script that
 * allocates a page in each mount with fallocate (hugetlbfs has no write(); dd
 * would fail with EINVAL) and reads the container's hugetlb cgroup usage and
 * limit, and its parser. Observes only: whether a page counts as used is the
 * suite's rule (suites/rules/hugepages.ts).
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { Pods, Tweak } from '../k8s/namespace-handle.js';
import { parseQuantity } from '../k8s/quantity.js';
import { parseKeyValues } from './key-value.js';
import { withVolume } from './tweaks.js';

export interface HugePageSize {
  /** Kubernetes resource name, e.g. hugepages-2Mi */
  resource: string;
  /** emptyDir medium, e.g. HugePages-2Mi */
  medium: string;
  /** cgroup file infix, e.g. 2MB */
  cgroupSize: string;
  bytes: number;
}

export const hugePageSizes: readonly HugePageSize[] = [
  { resource: 'hugepages-2Mi', medium: 'HugePages-2Mi', cgroupSize: '2MB', bytes: 2 * 2 ** 20 },
  { resource: 'hugepages-1Gi', medium: 'HugePages-1Gi', cgroupSize: '1GB', bytes: 2 ** 30 },
];

/** Allocatable huge pages of each size, in bytes, as the node reports them. */
export function hugePagesOf(node: V1Node): Record<string, number> {
  return Object.fromEntries(
    hugePageSizes.map((s) => [
      s.resource,
      parseQuantity(node.status?.allocatable?.[s.resource] ?? '0'),
    ]),
  );
}

export function mountPathOf(size: HugePageSize): string {
  return `/${size.resource}`;
}

/**
 * One HugePages emptyDir per size, mounted at mountPathOf(size); the fsGroup
 * lets the non-root probe user create files in the hugetlbfs mounts.
 */
export function mountHugePages(sizes: readonly HugePageSize[]): Tweak<V1Pod> {
  return (pod) => {
    pod.spec!.securityContext = { ...pod.spec!.securityContext, fsGroup: 65534 };
    for (const size of sizes)
      withVolume(
        { name: size.resource, emptyDir: { medium: size.medium } },
        { mountPath: mountPathOf(size) },
      )(pod);
  };
}

/** Allocates one page of each size in its mount and reports usage and limit per size. */
export function hugePageScript(sizes: readonly HugePageSize[]): string {
  return sizes
    .map((s) => {
      const dir = mountPathOf(s);
      return [
        `if grep -q " ${dir} hugetlbfs " /proc/mounts; then echo mount.${s.cgroupSize}=hugetlbfs; else echo mount.${s.cgroupSize}=missing; fi`,
        `if fallocate -l ${s.bytes} ${dir}/page 2>/tmp/err.${s.cgroupSize}; then echo allocated.${s.cgroupSize}=$(stat -c %s ${dir}/page); else echo allocated.${s.cgroupSize}=0; echo error.${s.cgroupSize}=$(head -c 200 /tmp/err.${s.cgroupSize}); fi`,
        `f=/sys/fs/cgroup/hugetlb.${s.cgroupSize}.current; [ -f $f ] || f=/sys/fs/cgroup/hugetlb/hugetlb.${s.cgroupSize}.usage_in_bytes`,
        `echo usage.${s.cgroupSize}=$(cat $f 2>/dev/null)`,
        `f=/sys/fs/cgroup/hugetlb.${s.cgroupSize}.max; [ -f $f ] || f=/sys/fs/cgroup/hugetlb/hugetlb.${s.cgroupSize}.limit_in_bytes`,
        `echo limit.${s.cgroupSize}=$(cat $f 2>/dev/null)`,
      ].join('\n');
    })
    .concat('true')
    .join('\n');
}

export interface HugePageUse {
  size: string;
  mounted: boolean;
  allocatedBytes: number;
  /** The container's hugetlb cgroup usage after allocating; null when unreadable. */
  cgroupUsageBytes: number | null;
  cgroupLimit: string;
  error?: string;
}

export function parseHugePageReport(output: string, sizes: readonly HugePageSize[]): HugePageUse[] {
  const fields = parseKeyValues(output);
  return sizes.map((s) => {
    const usage = fields.get(`usage.${s.cgroupSize}`) ?? '';
    const error = fields.get(`error.${s.cgroupSize}`);
    return {
      size: s.resource,
      mounted: fields.get(`mount.${s.cgroupSize}`) === 'hugetlbfs',
      allocatedBytes: Number(fields.get(`allocated.${s.cgroupSize}`) ?? '0') || 0,
      cgroupUsageBytes: usage === '' || Number.isNaN(Number(usage)) ? null : Number(usage),
      cgroupLimit: fields.get(`limit.${s.cgroupSize}`) || 'unreadable',
      ...(error ? { error } : {}),
    };
  });
}

/** Runs the script in a pod started with mountHugePages(sizes) and reports what each mount gave. */
export async function mapHugePages(
  pods: Pick<Pods, 'exec'>,
  pod: string,
  sizes: readonly HugePageSize[],
): Promise<HugePageUse[]> {
  const result = await pods.exec(pod, ['sh', '-c', hugePageScript(sizes)]);
  return parseHugePageReport(result.stdout, sizes);
}
