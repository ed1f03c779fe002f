/**
 * ra2.ch.011 applies "if using VMs": a node counts as a VM when a process on
 * it sees the hypervisor CPU flag or a hypervisor's DMI vendor or product.
 */
import { fail, notApplicable, pass, skip, type Verdict } from '../../helpers/framework/result.js';
import type { MachineReport } from '../../helpers/probes/virtualisation.js';

const hypervisorVendors =
  /qemu|kvm|vmware|virtualbox|innotek|xen|microsoft corporation|amazon ec2|google|openstack|bochs|parallels|nutanix|hetzner|digitalocean/i;

export interface VirtualisationJudgement {
  virtualMachine: boolean;
  /** What decided it, e.g. "hypervisor CPU flag; DMI QEMU / Standard PC". */
  evidence: string;
}

export function judgeVirtualisation(report: MachineReport): VirtualisationJudgement {
  const { hypervisorFlag, vendor, product } = report;
  const dmi = hypervisorVendors.test(`${vendor} ${product}`);
  const parts = [
    hypervisorFlag ? 'hypervisor CPU flag' : 'no hypervisor CPU flag',
    vendor || product ? `DMI ${vendor || '?'} / ${product || '?'}` : 'no DMI data',
  ];
  return { virtualMachine: hypervisorFlag || dmi, evidence: parts.join('; ') };
}

export const minVcpus = 16;

/** One probed node for ra2.ch.011: its virtualisation judgement and capacity.cpu, or why it was not seen. */
export type VcpuObservation =
  | ({ node: string; vcpus: number } & VirtualisationJudgement)
  | { node: string; notObserved: string };

/** ra2.ch.011: every node that shows a hypervisor has at least 16 vCPUs. */
export function judgeVirtualNodeCpus(
  observed: readonly VcpuObservation[],
  evidence: Record<string, unknown> = {},
): Verdict {
  const all = { ...evidence, minimum: minVcpus, nodes: observed };
  const seen = observed.flatMap((o) => ('notObserved' in o ? [] : [o]));
  const unseen = observed.flatMap((o) => ('notObserved' in o ? [o] : []));
  const vms = seen.filter((o) => o.virtualMachine);
  const short = vms.filter((o) => o.vcpus < minVcpus);
  if (short.length > 0)
    return fail(
      `every VM node to have at least ${minVcpus} vCPUs`,
      short.map((o) => `${o.node}: ${o.vcpus} vCPUs (${o.evidence})`).join('; '),
      all,
    );
  if (unseen.length > 0 || seen.length === 0)
    return skip(
      `not observed on ${unseen.length} of ${observed.length} probed node(s)${unseen.length ? `: ${unseen.map((o) => `${o.node}: ${o.notObserved}`).join('; ')}` : ''}`,
      all,
    );
  return vms.length === 0
    ? notApplicable(
        `applies if the nodes are VMs; none of the ${seen.length} probed node(s) shows a hypervisor (CPU flag or DMI vendor)`,
        all,
      )
    : pass(`all ${vms.length} probed VM node(s) have at least ${minVcpus} vCPUs`, all);
}
