/**
 * Reading a container's own cgroup limits from inside it, on cgroup v1 or v2.
 * One shell script prints key=value lines (it runs in the probe image, which
 * has sh and cat); the parsing is plain functions the unit tests cover.
 */
import { parseKeyValues } from './key-value.js';

export interface CgroupLimits {
  version: 1 | 2;
  /** CPUs the container may run on. */
  cpuset: number[];
  /** Memory limit in bytes; null when unlimited. */
  memoryLimitBytes: number | null;
  /** Huge page size ("2MB", "1GB") -> limit in bytes; null when unlimited. */
  hugetlbLimitBytes: Record<string, number | null>;
}

/**
 * v2 is recognised by cgroup.controllers at the root of the container's view;
 * v1 keeps each controller in its own directory.
 */
export const cgroupReadScript = `
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
  echo version=2
  echo cpuset=$(cat /sys/fs/cgroup/cpuset.cpus.effective 2>/dev/null)
  echo memory=$(cat /sys/fs/cgroup/memory.max 2>/dev/null)
  for f in /sys/fs/cgroup/hugetlb.*.max; do [ -f "$f" ] && echo "hugetlb.$(basename "$f" | cut -d. -f2)=$(cat "$f")"; done
else
  echo version=1
  echo cpuset=$(cat /sys/fs/cgroup/cpuset/cpuset.effective_cpus 2>/dev/null || cat /sys/fs/cgroup/cpuset/cpuset.cpus 2>/dev/null)
  echo memory=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null)
  for f in /sys/fs/cgroup/hugetlb/hugetlb.*.limit_in_bytes; do [ -f "$f" ] && echo "hugetlb.$(basename "$f" | cut -d. -f2)=$(cat "$f")"; done
fi
true
`.trim();

/** "0-3,8,10-11" -> [0,1,2,3,8,10,11] */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(',').filter(Boolean)) {
    const [from, to] = part.split('-').map((n) => Number.parseInt(n, 10));
    if (from === undefined || Number.isNaN(from)) throw new Error(`bad cpu list "${list}"`);
    const end = to === undefined ? from : to;
    if (Number.isNaN(end) || end < from) throw new Error(`bad cpu list "${list}"`);
    for (let cpu = from; cpu <= end; cpu++) cpus.push(cpu);
  }
  return cpus;
}

/**
 * v2 writes "max" for no limit; v1 writes a huge number (page-rounded
 * 2^63-1), which we also treat as unlimited.
 */
export function parseLimit(value: string): number | null {
  const text = value.trim();
  if (text === '' || text === 'max') return null;
  const n = Number(text);
  if (!Number.isFinite(n)) throw new Error(`bad cgroup limit "${value}"`);
  return n >= 2 ** 62 ? null : n;
}

export function parseCgroupReport(output: string): CgroupLimits {
  const fields = parseKeyValues(output);
  const version = fields.get('version');
  if (version !== '1' && version !== '2')
    throw new Error(`cgroup report without a version: ${output.slice(0, 200)}`);
  const hugetlbLimitBytes: Record<string, number | null> = {};
  for (const [key, value] of fields) {
    if (key.startsWith('hugetlb.'))
      hugetlbLimitBytes[key.slice('hugetlb.'.length)] = parseLimit(value);
  }
  return {
    version: version === '2' ? 2 : 1,
    cpuset: parseCpuList(fields.get('cpuset') ?? ''),
    memoryLimitBytes: parseLimit(fields.get('memory') ?? ''),
    hugetlbLimitBytes,
  };
}
