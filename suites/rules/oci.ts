/**
 * The container-runtime rules: what an OCI 1.0 runtime must have applied of
 * what the probe pod asked for (ra2.crt.001's runtime-spec features and
 * ra2.app.001-005's parameter groups), judged on the one OCI probe's report,
 * and which runtimes a node may report to count as CRI runtimes (ra2.crt.002).
 */
import {
  parameterGroupRequest,
  runtimeFeatureRequest,
  type OciReport,
} from '../../helpers/probes/oci-probe.js';

/** One requested parameter or feature against what the container reported. */
export interface OciJudgement {
  parameter: string;
  expected: string;
  observed: string;
  ok: boolean;
}

const notReported = '(not reported)';

function judged(
  parameter: string,
  expected: string,
  observed: string | undefined,
  ok = observed === expected,
): OciJudgement {
  return { parameter, expected, observed: observed ?? notReported, ok };
}

/** root.write as crt.001 has always shown it. */
const rootfsByWrite: Record<string, string | undefined> = {
  allowed: 'writable',
  denied: 'read-only',
};

function includesGroup(groups: string | undefined, group: number): boolean {
  return (groups ?? '').split(/\s+/).includes(String(group));
}

/** What ra2.crt.001 needs: every runtime-spec feature the pod asked for was applied. */
export function judgeRuntimeFeatures(
  report: OciReport,
  request: typeof runtimeFeatureRequest = runtimeFeatureRequest,
): OciJudgement[] {
  const { user, process: p } = report;
  const capEff = p.capEff ?? notReported;
  const rootfs = rootfsByWrite[report.root.write ?? ''];
  const memory =
    report.memoryLimitBytes === undefined
      ? notReported
      : report.memoryLimitBytes === null
        ? 'unlimited'
        : String(report.memoryLimitBytes);
  return [
    judged('process.user.uid (runAsUser)', String(request.uid), user.uid),
    judged('process.user.gid (runAsGroup)', String(request.gid), user.gid),
    judged(
      'process.user.additionalGids (supplementalGroups)',
      `includes ${request.supplementalGroup}`,
      user.groups,
      includesGroup(user.groups, request.supplementalGroup),
    ),
    judged(
      'process.capabilities (drop ALL)',
      'CapEff 0000000000000000',
      `CapEff ${capEff}`,
      /^0+$/.test(capEff),
    ),
    judged(
      'process.noNewPrivileges (allowPrivilegeEscalation: false)',
      'NoNewPrivs 1',
      `NoNewPrivs ${p.noNewPrivs ?? notReported}`,
      p.noNewPrivs === '1',
    ),
    judged(
      'linux.seccomp (RuntimeDefault)',
      'Seccomp 2 (filter)',
      `Seccomp ${p.seccomp ?? notReported}`,
      p.seccomp === '2',
    ),
    judged('root.readonly (readOnlyRootFilesystem)', 'read-only', rootfs),
    judged(
      'linux.namespaces pid',
      `PID 1 is the container's own process (${request.pid1.join(' or ')})`,
      `PID 1 is ${p.pid1 ?? notReported}`,
      request.pid1.includes(p.pid1 ?? ''),
    ),
    judged('hostname (uts namespace)', request.hostname, report.hostname),
    judged('linux.resources.memory.limit', String(request.memoryLimitBytes), memory),
  ];
}

export type ParameterGroup = 'root' | 'mounts' | 'process' | 'hostname' | 'user';

/** What ra2.app.001-005 need: the pod's request for one parameter group was honoured. */
export function judgeGroup(
  group: ParameterGroup,
  report: OciReport,
  token: string,
  request: typeof parameterGroupRequest = parameterGroupRequest,
): OciJudgement[] {
  const { writableMount, readOnlyMount } = request;
  const p = report.process;
  switch (group) {
    case 'root':
      return [
        judged('root.path: the image filesystem', 'present', report.root.image),
        judged('root.readonly: true (mount option)', 'ro', report.root.mount),
        judged('root.readonly: true (write)', 'denied', report.root.write),
      ];
    case 'mounts':
      return [
        judged(`${writableMount} mounted read-write`, 'rw', report.mounts[writableMount]?.mount),
        judged(`${writableMount} writable`, 'allowed', report.mounts[writableMount]?.write),
        judged(`${readOnlyMount} mounted read-only`, 'ro', report.mounts[readOnlyMount]?.mount),
        judged(`${readOnlyMount} not writable`, 'denied', report.mounts[readOnlyMount]?.write),
      ];
    case 'process':
      return [
        judged('process.cwd', request.workingDir, p.cwd),
        judged(`process.env ${request.env}`, token, p.env),
        judged(
          'process.args (pid 1 runs the pod command)',
          `contains "${request.command}"`,
          p.cmdline,
          (p.cmdline ?? '').includes(request.command),
        ),
        judged('process.capabilities: all dropped (CapEff)', '0000000000000000', p.capEff),
        judged('process.noNewPrivileges', '1', p.noNewPrivs),
      ];
    case 'hostname':
      return [judged('hostname', request.hostname, report.hostname)];
    case 'user':
      return [
        judged('process.user.uid', String(request.uid), report.user.uid),
        judged('process.user.gid', String(request.gid), report.user.gid),
        judged(
          'process.user.additionalGids',
          `includes ${request.supplementalGroup}`,
          report.user.groups,
          includesGroup(report.user.groups, request.supplementalGroup),
        ),
      ];
  }
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
