/**
 * What a container observes of the OCI runtime-spec features its runtime was
 * asked to apply: process.user, process.capabilities, process.noNewPrivileges,
 * linux.seccomp, root.readonly, linux.namespaces (pid, uts), hostname and
 * linux.resources.memory. One shell script prints key=value lines; parsing and
 * judging are plain functions the unit tests cover.
 */
import { cgroupReadScript, parseCgroupReport } from './cgroup.js';

export const ociProbeScript = `
echo uid=$(id -u)
echo gid=$(id -g)
echo groups=$(id -G)
echo capeff=$(grep '^CapEff:' /proc/self/status | tr -d ' \\t' | cut -d: -f2)
echo nonewprivs=$(grep '^NoNewPrivs:' /proc/self/status | tr -d ' \\t' | cut -d: -f2)
echo seccomp=$(grep '^Seccomp:' /proc/self/status | tr -d ' \\t' | cut -d: -f2)
echo pid1=$(cat /proc/1/comm)
echo hostname=$(cat /proc/sys/kernel/hostname)
if touch /ra2-oci-probe 2>/dev/null; then echo rootfs=writable; else echo rootfs=read-only; fi
${cgroupReadScript}
`.trim();

export interface OciExpectations {
  uid: number;
  gid: number;
  supplementalGroup: number;
  hostname: string;
  memoryLimitBytes: number;
  /** Process names PID 1 of the container may have (the pod's command). */
  pid1: readonly string[];
}

export interface OciFeature {
  feature: string;
  expected: string;
  observed: string;
  ok: boolean;
}

export function parseKeyValues(output: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0 && !fields.has(line.slice(0, at).trim()))
      fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  return fields;
}

export function judgeOciProbe(output: string, expect: OciExpectations): OciFeature[] {
  const f = parseKeyValues(output);
  const get = (key: string) => f.get(key) ?? '(not reported)';
  let memory = '(not reported)';
  try {
    const limit = parseCgroupReport(output).memoryLimitBytes;
    memory = limit === null ? 'unlimited' : String(limit);
  } catch {
    // left as not reported
  }
  const capeff = get('capeff');
  const feature = (name: string, expected: string, observed: string, ok: boolean): OciFeature => ({
    feature: name,
    expected,
    observed,
    ok,
  });
  return [
    feature(
      'process.user.uid (runAsUser)',
      String(expect.uid),
      get('uid'),
      get('uid') === String(expect.uid),
    ),
    feature(
      'process.user.gid (runAsGroup)',
      String(expect.gid),
      get('gid'),
      get('gid') === String(expect.gid),
    ),
    feature(
      'process.user.additionalGids (supplementalGroups)',
      `includes ${expect.supplementalGroup}`,
      get('groups'),
      get('groups').split(/\s+/).includes(String(expect.supplementalGroup)),
    ),
    feature(
      'process.capabilities (drop ALL)',
      'CapEff 0000000000000000',
      `CapEff ${capeff}`,
      /^0+$/.test(capeff),
    ),
    feature(
      'process.noNewPrivileges (allowPrivilegeEscalation: false)',
      'NoNewPrivs 1',
      `NoNewPrivs ${get('nonewprivs')}`,
      get('nonewprivs') === '1',
    ),
    feature(
      'linux.seccomp (RuntimeDefault)',
      'Seccomp 2 (filter)',
      `Seccomp ${get('seccomp')}`,
      get('seccomp') === '2',
    ),
    feature(
      'root.readonly (readOnlyRootFilesystem)',
      'read-only',
      get('rootfs'),
      get('rootfs') === 'read-only',
    ),
    feature(
      'linux.namespaces pid',
      `PID 1 is the container's own process (${expect.pid1.join(' or ')})`,
      `PID 1 is ${get('pid1')}`,
      expect.pid1.includes(get('pid1')),
    ),
    feature(
      'hostname (uts namespace)',
      expect.hostname,
      get('hostname'),
      get('hostname') === expect.hostname,
    ),
    feature(
      'linux.resources.memory.limit',
      String(expect.memoryLimitBytes),
      memory,
      memory === String(expect.memoryLimitBytes),
    ),
  ];
}

/** CRI runtimes by the scheme a node reports in status.nodeInfo.containerRuntimeVersion. */
export const criRuntimeSchemes: Record<string, string> = {
  containerd: 'containerd (CRI plugin)',
  'cri-o': 'CRI-O',
  docker: 'Docker Engine through cri-dockerd',
};

/** "containerd://1.7.2" -> { scheme: "containerd", version: "1.7.2", cri: true } */
export function parseRuntimeVersion(value: string): {
  scheme: string;
  version: string;
  cri: boolean;
} {
  const at = value.indexOf('://');
  const scheme = at >= 0 ? value.slice(0, at) : '';
  const version = at >= 0 ? value.slice(at + 3) : value;
  return { scheme, version, cri: scheme in criRuntimeSchemes };
}
