/**
 * The one OCI probe, for ra2.crt.001 (runtime-spec features) and ra2.app.001-005
 * (the parameter groups): a pod asks for OCI features through its spec, and
 * one script inside the container reports, as key=value lines, what the runtime
 * applied: user, process (cwd, env, args, PID 1, capabilities, no_new_privs,
 * seccomp), hostname, root (image, mount option, writability), the mounts the
 * pod asked for, and its cgroup memory limit. One parser turns the lines into
 * a report. Observes only; suites/rules/oci.ts judges.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import type { NamespaceHandle, Tweak } from '../k8s/namespace-handle.js';
import { AGNHOST } from './agnhost.js';
import { cgroupReadScript, parseCgroupReport } from './cgroup.js';
import { parseKeyValues } from './key-value.js';
import { sleeperPod } from './pod.js';
import { containerOf, withResources, withVolume } from './tweaks.js';

/** What the ra2.crt.001 pod asks of the runtime. */
export const runtimeFeatureRequest = {
  pod: 'oci-probe',
  uid: 1234,
  gid: 2345,
  supplementalGroup: 3456,
  /** The pod's name, which is its hostname. */
  hostname: 'oci-probe',
  memory: '64Mi',
  memoryLimitBytes: 64 * 2 ** 20,
  cpu: '50m',
  /** Process names PID 1 of the container may have (the pod's command). */
  pid1: ['sh', 'sleep'],
};

/** What the ra2.app.001-005 pod asks of the runtime (uid and gid are the restricted pod's). */
export const parameterGroupRequest = {
  pod: 'oci',
  hostname: 'ra2-oci-probe',
  uid: 65534,
  gid: 65534,
  supplementalGroup: 4242,
  workingDir: '/scratch',
  env: 'RA2_OCI_PROBE',
  writableMount: '/scratch',
  readOnlyMount: '/config',
  imageFile: AGNHOST,
  /** What PID 1's command line contains (the sleeper's command). */
  command: 'sleep 3600',
};

/** Mount points the script reports on (absent ones read as not mounted, not writable). */
const reportedMounts = [parameterGroupRequest.writableMount, parameterGroupRequest.readOnlyMount];

export const ociProbeScript = `
mountopt() { awk -v p="$1" '$2==p{split($4,o,",");print o[1]; exit}' /proc/mounts; }
canwrite() { if (: > "$1") 2>/dev/null; then echo allowed; else echo denied; fi; }
status() { awk -v k="$1:" '$1==k{print $2}' /proc/self/status; }
echo user.uid=$(id -u)
echo user.gid=$(id -g)
echo user.groups=$(id -G)
echo process.cwd=$(pwd)
echo process.env="$${parameterGroupRequest.env}"
echo process.cmdline=$(tr '\\0' ' ' < /proc/1/cmdline)
echo process.pid1=$(cat /proc/1/comm)
echo process.capeff=$(status CapEff)
echo process.nonewprivs=$(status NoNewPrivs)
echo process.seccomp=$(status Seccomp)
echo hostname=$(cat /proc/sys/kernel/hostname)
echo root.image=$( [ -x ${AGNHOST} ] && echo present || echo absent)
echo root.mount=$(mountopt /)
echo root.write=$(canwrite /ra2-oci-probe)
for p in ${reportedMounts.join(' ')}; do
  echo "mounts.$p=$(mountopt "$p")"
  echo "mounts.$p.write=$(canwrite "$p/ra2-oci-probe")"
done
${cgroupReadScript}
`.trim();

/** What the container reported; a field it did not report is undefined. */
export interface OciReport {
  user: { uid?: string; gid?: string; groups?: string };
  process: {
    cwd?: string;
    env?: string;
    cmdline?: string;
    /** The name of PID 1 in the container's pid namespace. */
    pid1?: string;
    capEff?: string;
    noNewPrivs?: string;
    seccomp?: string;
  };
  hostname?: string;
  /** image: the image's files are there; mount: the first mount option of /; write: allowed | denied. */
  root: { image?: string; mount?: string; write?: string };
  /** Per mount point: its first mount option and whether a file could be created in it. */
  mounts: Record<string, { mount?: string; write?: string }>;
  /** From the cgroup: bytes, null when unlimited, undefined when not reported. */
  memoryLimitBytes?: number | null;
}

export function parseOciReport(output: string): OciReport {
  const f = parseKeyValues(output);
  const mounts: OciReport['mounts'] = {};
  for (const path of reportedMounts) {
    if (!f.has(`mounts.${path}`) && !f.has(`mounts.${path}.write`)) continue;
    mounts[path] = { mount: f.get(`mounts.${path}`), write: f.get(`mounts.${path}.write`) };
  }
  return {
    user: { uid: f.get('user.uid'), gid: f.get('user.gid'), groups: f.get('user.groups') },
    process: {
      cwd: f.get('process.cwd'),
      env: f.get('process.env'),
      cmdline: f.get('process.cmdline'),
      pid1: f.get('process.pid1'),
      capEff: f.get('process.capeff'),
      noNewPrivs: f.get('process.nonewprivs'),
      seccomp: f.get('process.seccomp'),
    },
    hostname: f.get('hostname'),
    root: { image: f.get('root.image'), mount: f.get('root.mount'), write: f.get('root.write') },
    mounts,
    memoryLimitBytes: memoryLimitOf(output),
  };
}

function memoryLimitOf(output: string): number | null | undefined {
  try {
    return parseCgroupReport(output).memoryLimitBytes;
  } catch {
    return undefined; // no cgroup report in the output
  }
}

/** Runs the probe script in the pod's probe container. */
export async function readOciReport(
  ns: NamespaceHandle,
  pod: string,
): Promise<{ report: OciReport; stderr: string }> {
  const result = await ns.pods.exec(pod, ['sh', '-c', ociProbeScript]);
  return { report: parseOciReport(result.stdout), stderr: result.stderr };
}

/** A read-only root filesystem and the user/groups asked for (unset ones stay the template's). */
function asksFor(user: { uid?: number; gid?: number; supplementalGroup: number }): Tweak<V1Pod> {
  return (pod) => {
    pod.spec!.securityContext = {
      ...pod.spec!.securityContext,
      ...(user.uid === undefined ? {} : { runAsUser: user.uid }),
      ...(user.gid === undefined ? {} : { runAsGroup: user.gid }),
      supplementalGroups: [user.supplementalGroup],
    };
    const container = containerOf(pod);
    container.securityContext = { ...container.securityContext, readOnlyRootFilesystem: true };
  };
}

/** The ra2.crt.001 pod: a user, groups, a read-only root and a memory limit. */
export function runtimeFeaturePod(ctx: CheckContext): V1Pod {
  const r = runtimeFeatureRequest;
  const pod = sleeperPod(ctx, r.pod);
  asksFor(r)(pod);
  withResources({ memory: r.memory, cpu: r.cpu })(pod);
  return pod;
}

/** The ra2.app.001-005 pod: hostname, groups, cwd, env, a read-only root, a writable and a read-only mount. */
export function parameterGroupPod(ctx: CheckContext, token: string): V1Pod {
  const r = parameterGroupRequest;
  const pod = sleeperPod(ctx, r.pod);
  pod.spec!.hostname = r.hostname;
  asksFor({ supplementalGroup: r.supplementalGroup })(pod);
  withVolume({ name: 'scratch', emptyDir: {} }, { mountPath: r.writableMount })(pod);
  withVolume({ name: 'config', emptyDir: {} }, { mountPath: r.readOnlyMount, readOnly: true })(pod);
  const container = containerOf(pod);
  container.workingDir = r.workingDir;
  container.env = [{ name: r.env, value: token }];
  return pod;
}
