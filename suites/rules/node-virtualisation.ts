/**
 * ra2.ch.011 applies "if using VMs": a node counts as a VM when a process on
 * it sees the hypervisor CPU flag or a hypervisor's DMI vendor or product.
 */
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
