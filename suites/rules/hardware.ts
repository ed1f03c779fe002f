/**
 * The hardware rows (ra2.ch.002, 004, 008, 009, 013, 014, 015) judged on what
 * a node's sysfs shows. Only a bare-metal node shows its machine: a VM's sysfs
 * shows virtual devices and a container node's shows its host's CPUs and disks
 * but none of its NICs, so there the row is not observable and an attestation
 * stands in. The first failing bare-metal node fails the row.
 */
import { fail, pass, skip, type Verdict } from '../../helpers/framework/result.js';
import type { HardwareReport, NicPort, NodeHardware } from '../../helpers/probes/node-hardware.js';
import { judgeVirtualisation } from './node-virtualisation.js';

export type MachineKind = 'container' | 'virtual machine' | 'bare metal';

/** What a node runs on: a container (kind's providerID, a runtime's marker files), a VM, or bare metal. */
export function machineKindOf(
  providerID: string | undefined,
  report: HardwareReport,
): { kind: MachineKind; why: string } {
  if (providerID?.startsWith('kind://'))
    return { kind: 'container', why: `kind node (providerID ${providerID})` };
  if (report.containerMarkers.length > 0)
    return {
      kind: 'container',
      why: `the node's root holds ${report.containerMarkers.join(', ')}`,
    };
  const vm = judgeVirtualisation(report.machine);
  return vm.virtualMachine
    ? { kind: 'virtual machine', why: vm.evidence }
    : { kind: 'bare metal', why: vm.evidence };
}

/** One node's finding: ok undefined means sysfs did not show what the row needs. */
export interface Finding {
  ok?: boolean;
  detail: string;
}

export type HardwareJudge = (report: HardwareReport) => Finding;

/** NIC ports: PCI network controllers (class 0x02....), not SR-IOV VFs. */
export function physicalPorts(report: HardwareReport): NicPort[] {
  return report.nics.filter((n) => !n.virtualFunction && n.pciClass.startsWith('0x02'));
}

const listPorts = (ports: NicPort[], show: (p: NicPort) => string) =>
  ports.map((p) => `${p.name} ${show(p)}`).join(', ') || 'no PCI NIC port';

export const sriovCapable: HardwareJudge = (r) => {
  const ports = physicalPorts(r);
  return {
    ok: ports.some((p) => (p.sriovTotalVfs ?? 0) > 0),
    detail: listPorts(ports, (p) =>
      p.sriovTotalVfs ? `(SR-IOV, ${p.sriovTotalVfs} VFs)` : '(no SR-IOV)',
    ),
  };
};

export const smtEnabled: HardwareJudge = (r) => {
  const cores = new Set(r.cpus.map((c) => `${c.packageId}/${c.coreId}`)).size;
  const threads = cores > 0 ? `${r.cpus.length} logical CPUs on ${cores} cores` : '';
  if (r.smtActive !== undefined)
    return {
      ok: r.smtActive,
      detail: `smt/active=${r.smtActive ? 1 : 0}, smt/control=${r.smtControl || '?'}${threads ? `; ${threads}` : ''}`,
    };
  // Kernels before 4.19 have no smt/ directory: more threads than cores is SMT.
  return cores > 0
    ? { ok: r.cpus.length > cores, detail: `no smt/active; ${threads}` }
    : { detail: 'neither smt/active nor CPU topology readable' };
};

export const minSockets = 2;
export const minCoresPerSocket = 20;

export const socketsAndCores: HardwareJudge = (r) => {
  const sockets = new Map<number, Set<number>>();
  for (const c of r.cpus)
    sockets.set(c.packageId, (sockets.get(c.packageId) ?? new Set()).add(c.coreId));
  if (sockets.size === 0) return { detail: 'CPU topology not readable' };
  const counts = [...sockets].map(([id, cores]) => `socket ${id}: ${cores.size} cores`);
  return {
    ok:
      sockets.size >= minSockets && [...sockets.values()].every((c) => c.size >= minCoresPerSocket),
    detail: `${sockets.size} socket(s) (${counts.join(', ')})`,
  };
};

export const hasSsd: HardwareJudge = (r) => {
  const disks = r.blockDevices.filter(
    (b) => !b.virtual && !b.removable && b.rotational !== undefined,
  );
  if (disks.length === 0) return { detail: 'no physical, non-removable block device seen' };
  return {
    ok: disks.some((d) => d.rotational === false),
    detail: disks.map((d) => `${d.name} ${d.rotational ? 'rotational' : 'SSD'}`).join(', '),
  };
};

export const minNicPorts = 4;

export const nicPortCount: HardwareJudge = (r) => {
  const ports = physicalPorts(r);
  return {
    ok: ports.length >= minNicPorts,
    detail: `${ports.length} NIC port(s): ${listPorts(ports, (p) => p.pciClass)}`,
  };
};

/** Every port with a link runs at `minMbps` or more; ports without a reported speed are listed. */
export function nicSpeedAtLeast(minMbps: number): HardwareJudge {
  return (r) => {
    const ports = physicalPorts(r);
    const known = ports.filter((p) => p.speedMbps !== undefined);
    const detail = listPorts(ports, (p) =>
      p.speedMbps ? `${p.speedMbps} Mb/s` : 'no speed (link down?)',
    );
    return known.length === 0
      ? { detail: `no NIC port reports a speed: ${detail}` }
      : { ok: known.every((p) => p.speedMbps! >= minMbps), detail };
  };
}

/** A sampled node with what the probe saw of it. */
export interface ProbedNode {
  node: string;
  providerID?: string;
  hardware: NodeHardware;
}

interface NodeFinding extends Finding {
  node: string;
  machine?: MachineKind;
}

function findingOn(p: ProbedNode, judge: HardwareJudge): NodeFinding {
  if ('notStarted' in p.hardware)
    return { node: p.node, detail: `probe pod did not start: ${p.hardware.notStarted}` };
  const machine = machineKindOf(p.providerID, p.hardware.report);
  if (machine.kind !== 'bare metal')
    return { node: p.node, machine: machine.kind, detail: machine.why };
  return { node: p.node, machine: machine.kind, ...judge(p.hardware.report) };
}

/** Judges the row on every probed node: a failing bare-metal node fails it, an unobservable one leaves it unobserved. */
export function judgeHardware(
  probed: readonly ProbedNode[],
  judge: HardwareJudge,
  expected: string,
  evidence: Record<string, unknown> = {},
): Verdict {
  const perNode = probed.map((p) => findingOn(p, judge));
  const all = { ...evidence, nodes: perNode };
  const list = (nodes: NodeFinding[]) => nodes.map((n) => `${n.node}: ${n.detail}`).join('; ');
  if (perNode.length === 0) return skip('nothing to judge: no node to probe', all);
  const failing = perNode.filter((n) => n.ok === false);
  if (failing.length > 0) return fail(expected, list(failing), all);
  const unobserved = perNode.filter((n) => n.ok === undefined);
  if (unobserved.length > 0) {
    const kinds = [
      ...new Set(
        unobserved.flatMap((n) =>
          n.machine && n.machine !== 'bare metal' ? [`${n.machine}s`] : [],
        ),
      ),
    ];
    const what = kinds.length > 0 ? `node(s) are ${kinds.join('/')}` : 'sysfs did not show it';
    return skip(
      `${what}: hardware not observable on ${unobserved.length} of ${perNode.length} probed node(s) (${list(unobserved)}); attest the physical machines`,
      all,
    );
  }
  return pass(list(perNode), all);
}
