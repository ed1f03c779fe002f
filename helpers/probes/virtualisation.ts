/**
 * What a process on a node sees of the machine under it: the "hypervisor" CPU
 * flag (x86 guests; /proc/cpuinfo's hypervisor line on other architectures)
 * and the DMI vendor and product a hypervisor sets. Script and parser; whether
 * that makes the node a VM is the suite's rule (suites/rules/node-virtualisation.ts).
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { applyTweaks, type Pods } from '../k8s/namespace-handle.js';
import { parseKeyValues } from './key-value.js';
import { sleeperPod } from './pod.js';
import { pinToNode, toleratingEveryTaint } from './tweaks.js';

export const virtualisationScript = `
echo hypervisorflag=$(grep -m1 -c -w hypervisor /proc/cpuinfo)
echo vendor=$(cat /sys/class/dmi/id/sys_vendor 2>/dev/null)
echo product=$(cat /sys/class/dmi/id/product_name 2>/dev/null)
echo cpus=$(grep -c ^processor /proc/cpuinfo)
true
`.trim();

export interface MachineReport {
  /** /proc/cpuinfo shows the hypervisor flag. */
  hypervisorFlag: boolean;
  /** DMI sys_vendor and product_name; empty when unreadable. */
  vendor: string;
  product: string;
}

export function parseMachineReport(output: string): MachineReport {
  const fields = parseKeyValues(output);
  return {
    hypervisorFlag: Number(fields.get('hypervisorflag') ?? '0') > 0,
    vendor: fields.get('vendor') ?? '',
    product: fields.get('product') ?? '',
  };
}

/** A sleeper to run the script in, pinned to `node` and tolerating every taint (control planes too). */
export function machineProbePod(ctx: CheckContext, name: string, node: V1Node): V1Pod {
  return applyTweaks(sleeperPod(ctx, name), [pinToNode(node), toleratingEveryTaint]);
}

/** Runs the script in a pod made by machineProbePod. */
export async function readMachine(pods: Pick<Pods, 'exec'>, pod: string): Promise<MachineReport> {
  return parseMachineReport((await pods.exec(pod, ['sh', '-c', virtualisationScript])).stdout);
}
