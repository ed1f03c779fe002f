/**
 * Huge pages, as nodes advertise them and as a container uses them: a script
 * that allocates pages in hugetlbfs mounts with fallocate (hugetlbfs has no
 * write(); dd would fail with EINVAL) and reads the container's hugetlb
 * cgroup usage and limit; the parsing is plain functions the unit tests cover.
 */
import type { V1Node } from '@kubernetes/client-node';
import { nodeName } from '../k8s/nodes.js';
import { parseQuantity } from '../k8s/quantity.js';

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
  const fields = new Map<string, string>();
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
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

/** The page was mapped: the file has the page's size, and the cgroup charged at least one page. */
export function hugePageUsed(use: HugePageUse, size: HugePageSize): boolean {
  return (
    use.mounted &&
    use.allocatedBytes >= size.bytes &&
    (use.cgroupUsageBytes === null || use.cgroupUsageBytes >= size.bytes)
  );
}

export function nodesLacking(nodes: readonly V1Node[]): string[] {
  return nodes.filter((n) => Object.values(hugePagesOf(n)).some((v) => v <= 0)).map(nodeName);
}
