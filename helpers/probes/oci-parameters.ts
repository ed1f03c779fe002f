/**
 * OCI parameter groups as a pod spec sets them and a container observes them:
 * root (the image's filesystem, read-only when asked), mounts (a writable and a
 * read-only volume at chosen paths), process (args, env, cwd, capabilities,
 * no_new_privs), hostname, user (uid, gid, supplementary groups). One pod sets
 * them all; one script prints key=value lines; the parser is a plain function.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { AGNHOST } from './agnhost.js';
import { sleeperPod } from './pod.js';

export const ociExpected = {
  hostname: 'ra2-oci-probe',
  uid: '65534',
  gid: '65534',
  supplementalGroup: '4242',
  workingDir: '/scratch',
  env: 'RA2_OCI_PROBE',
  writableMount: '/scratch',
  readOnlyMount: '/config',
  imageFile: AGNHOST,
};

export function ociParameterPod(ctx: CheckContext, name: string, token: string): V1Pod {
  const pod = sleeperPod(ctx, name);
  pod.spec!.hostname = ociExpected.hostname;
  pod.spec!.securityContext = {
    ...pod.spec!.securityContext,
    supplementalGroups: [Number(ociExpected.supplementalGroup)],
  };
  pod.spec!.volumes = [
    { name: 'scratch', emptyDir: {} },
    { name: 'config', emptyDir: {} },
  ];
  const c = pod.spec!.containers[0]!;
  c.workingDir = ociExpected.workingDir;
  c.env = [{ name: ociExpected.env, value: token }];
  c.securityContext = { ...c.securityContext, readOnlyRootFilesystem: true };
  c.volumeMounts = [
    { name: 'scratch', mountPath: ociExpected.writableMount },
    { name: 'config', mountPath: ociExpected.readOnlyMount, readOnly: true },
  ];
  return pod;
}

export const ociParameterScript = `
mountopt() { awk -v p="$1" '$2==p{split($4,o,",");print o[1]; exit}' /proc/mounts; }
echo root.image=$( [ -x ${AGNHOST} ] && echo present || echo absent)
echo root.mount=$(mountopt /)
if touch /ra2-root-write 2>/dev/null; then echo root.write=allowed; else echo root.write=denied; fi
echo mounts.scratch=$(mountopt ${ociExpected.writableMount})
if echo x > ${ociExpected.writableMount}/w 2>/dev/null; then echo mounts.scratchwrite=allowed; else echo mounts.scratchwrite=denied; fi
echo mounts.config=$(mountopt ${ociExpected.readOnlyMount})
if touch ${ociExpected.readOnlyMount}/w 2>/dev/null; then echo mounts.configwrite=allowed; else echo mounts.configwrite=denied; fi
echo process.cwd=$(pwd)
echo process.env=$(printenv ${ociExpected.env})
echo process.cmdline=$(tr '\\0' ' ' < /proc/1/cmdline)
echo process.capeff=$(awk '/^CapEff:/{print $2}' /proc/self/status)
echo process.nonewprivs=$(awk '/^NoNewPrivs:/{print $2}' /proc/self/status)
echo hostname=$(cat /proc/sys/kernel/hostname)
echo user.uid=$(id -u)
echo user.gid=$(id -g)
echo user.groups=$(id -G)
true
`.trim();

export function parseOciReport(output: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields[line.slice(0, at).trim()] ??= line.slice(at + 1).trim();
  }
  return fields;
}

export interface Expectation {
  parameter: string;
  expected: string;
  observed: string;
  ok: boolean;
}

/** The expectations of one parameter group against what the container reported. */
export function judgeGroup(
  group: 'root' | 'mounts' | 'process' | 'hostname' | 'user',
  f: Record<string, string>,
  token: string,
): Expectation[] {
  const e = (parameter: string, expected: string, observed: string | undefined, ok?: boolean) => ({
    parameter,
    expected,
    observed: observed ?? '(not reported)',
    ok: ok ?? observed === expected,
  });
  switch (group) {
    case 'root':
      return [
        e('root.path: the image filesystem', 'present', f['root.image']),
        e('root.readonly: true (mount option)', 'ro', f['root.mount']),
        e('root.readonly: true (write)', 'denied', f['root.write']),
      ];
    case 'mounts':
      return [
        e(`${ociExpected.writableMount} mounted read-write`, 'rw', f['mounts.scratch']),
        e(`${ociExpected.writableMount} writable`, 'allowed', f['mounts.scratchwrite']),
        e(`${ociExpected.readOnlyMount} mounted read-only`, 'ro', f['mounts.config']),
        e(`${ociExpected.readOnlyMount} not writable`, 'denied', f['mounts.configwrite']),
      ];
    case 'process':
      return [
        e('process.cwd', ociExpected.workingDir, f['process.cwd']),
        e(`process.env ${ociExpected.env}`, token, f['process.env']),
        e(
          'process.args (pid 1 runs the pod command)',
          'contains "sleep 3600"',
          f['process.cmdline'],
          (f['process.cmdline'] ?? '').includes('sleep 3600'),
        ),
        e('process.capabilities: all dropped (CapEff)', '0000000000000000', f['process.capeff']),
        e('process.noNewPrivileges', '1', f['process.nonewprivs']),
      ];
    case 'hostname':
      return [e('hostname', ociExpected.hostname, f.hostname)];
    case 'user':
      return [
        e('process.user.uid', ociExpected.uid, f['user.uid']),
        e('process.user.gid', ociExpected.gid, f['user.gid']),
        e(
          'process.user.additionalGids',
          `includes ${ociExpected.supplementalGroup}`,
          f['user.groups'],
          (f['user.groups'] ?? '').split(/\s+/).includes(ociExpected.supplementalGroup),
        ),
      ];
  }
}
