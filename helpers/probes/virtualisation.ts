/**
 * Is the machine under a node virtual? What a process on it sees: the
 * "hypervisor" CPU flag (x86 guests), /proc/cpuinfo's hypervisor line on
 * other architectures, and the DMI vendor/product a hypervisor sets. Script
 * and parser; the unit tests cover the parser.
 */
export const virtualisationScript = `
echo hypervisorflag=$(grep -m1 -c -w hypervisor /proc/cpuinfo)
echo vendor=$(cat /sys/class/dmi/id/sys_vendor 2>/dev/null)
echo product=$(cat /sys/class/dmi/id/product_name 2>/dev/null)
echo cpus=$(grep -c ^processor /proc/cpuinfo)
true
`.trim();

const hypervisorVendors =
  /qemu|kvm|vmware|virtualbox|innotek|xen|microsoft corporation|amazon ec2|google|openstack|bochs|parallels|nutanix|hetzner|digitalocean/i;

export interface VirtualisationReport {
  virtualMachine: boolean;
  /** What decided it, e.g. "hypervisor CPU flag; DMI QEMU / Standard PC". */
  evidence: string;
}

export function parseVirtualisationReport(output: string): VirtualisationReport {
  const fields = new Map<string, string>();
  for (const line of output.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) fields.set(line.slice(0, at).trim(), line.slice(at + 1).trim());
  }
  const flag = Number(fields.get('hypervisorflag') ?? '0') > 0;
  const vendor = fields.get('vendor') ?? '';
  const product = fields.get('product') ?? '';
  const dmi = hypervisorVendors.test(`${vendor} ${product}`);
  const parts = [
    flag ? 'hypervisor CPU flag' : 'no hypervisor CPU flag',
    vendor || product ? `DMI ${vendor || '?'} / ${product || '?'}` : 'no DMI data',
  ];
  return { virtualMachine: flag || dmi, evidence: parts.join('; ') };
}
