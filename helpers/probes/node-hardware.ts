/**
 * What a node's sysfs shows of the machine under it: NIC ports (entries of
 * /sys/class/net with a device link: their speed, PCI class, SR-IOV VFs), SMT,
 * CPU topology (package and core of each logical CPU), block devices
 * (rotational or not), plus the virtualisation signals (hypervisor CPU flag,
 * DMI) and the files a container runtime leaves in a container's root. The pod
 * mounts the node's /sys and / read-only (hostPath, so the check's namespace
 * must be privileged) and runs as nobody. Script and parser; the rules are the
 * suite's (suites/rules/hardware.ts).
 */
import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { applyTweaks, type NamespaceHandle, type Started } from '../k8s/namespace-handle.js';
import { nodeName } from '../k8s/nodes.js';
import { WaitTimeoutError } from '../k8s/wait.js';
import { parseKeyValues } from './key-value.js';
import { mapBounded } from '../k8s/bounded.js';
import { sleeperPod } from './pod.js';
import { containerOf, pinToNode, toleratingEveryTaint, withVolume } from './tweaks.js';
import { parseMachineReport, type MachineReport } from './virtualisation.js';
import { execReadOnly } from '../k8s/exec.js';
import type { PodExec } from './netexec.js';

/** Busybox sh only; one key=value line per fact, keys unique per CPU, NIC and disk. */
export const hardwareScript = `
S=/host/sys; R=/host/root
echo hypervisorflag=$(grep -m1 -c -w hypervisor /proc/cpuinfo)
echo vendor=$(cat $S/class/dmi/id/sys_vendor 2>/dev/null)
echo product=$(cat $S/class/dmi/id/product_name 2>/dev/null)
for f in /.dockerenv /run/.containerenv /run/systemd/container; do
  [ -e $R$f ] && echo "container:$f=$(head -c 64 $R$f 2>/dev/null | tr '\\n=' '  ')"
done
echo smt.active=$(cat $S/devices/system/cpu/smt/active 2>/dev/null)
echo smt.control=$(cat $S/devices/system/cpu/smt/control 2>/dev/null)
for c in $S/devices/system/cpu/cpu[0-9]*; do
  t=$c/topology; [ -r $t/core_id ] && echo "cpu.\${c##*/}=$(cat $t/physical_package_id) $(cat $t/core_id)"
done
for n in $S/class/net/*; do
  d=$n/device; [ -e $d ] || continue
  echo "net.\${n##*/}=speed:$(cat $n/speed 2>/dev/null) class:$(cat $d/class 2>/dev/null) totalvfs:$(cat $d/sriov_totalvfs 2>/dev/null) vf:$([ -e $d/physfn ] && echo 1 || echo 0)"
done
for b in $S/block/*; do
  [ -e $b ] || continue; v=0; case $(readlink $b) in */virtual/*) v=1;; esac
  echo "block.\${b##*/}=rotational:$(cat $b/queue/rotational 2>/dev/null) removable:$(cat $b/removable 2>/dev/null) virtual:$v"
done
true
`.trim();

export interface NicPort {
  name: string;
  /** Mb/s; undefined when the kernel reports none (link down, or a driver without it). */
  speedMbps?: number;
  /** PCI class, e.g. 0x020000 (Ethernet); "" when the device is not on PCI (USB, virtio bus). */
  pciClass: string;
  /** sriov_totalvfs of the device; undefined when it has no SR-IOV capability. */
  sriovTotalVfs?: number;
  /** A VF itself (device/physfn exists), not a port. */
  virtualFunction: boolean;
}

export interface BlockDevice {
  name: string;
  /** undefined when queue/rotational is unreadable. */
  rotational?: boolean;
  removable: boolean;
  /** Under /sys/devices/virtual (loop, dm, md, zram...). */
  virtual: boolean;
}

export interface HardwareReport {
  machine: MachineReport;
  /** Files a container runtime leaves in a container's root (path: content). */
  containerMarkers: string[];
  smtActive?: boolean;
  smtControl: string;
  /** Logical CPUs with their package and core ids. */
  cpus: { cpu: string; packageId: number; coreId: number }[];
  nics: NicPort[];
  blockDevices: BlockDevice[];
}

/** "speed:1000 class:0x020000" -> speed=1000, class=0x020000 (an empty value stays ""). */
const fieldsOf = (value: string): Map<string, string> =>
  new Map(
    value.split(/\s+/).map((part): [string, string] => {
      const at = part.indexOf(':');
      return at < 0 ? [part, ''] : [part.slice(0, at), part.slice(at + 1)];
    }),
  );
const numberOr = (value: string | undefined) =>
  value === undefined || value === '' || Number.isNaN(Number(value)) ? undefined : Number(value);

export function parseHardwareReport(output: string): HardwareReport {
  const all = parseKeyValues(output);
  const entries = (prefix: string) =>
    [...all].filter(([k]) => k.startsWith(prefix)).map(([k, v]) => [k.slice(prefix.length), v]);
  const smt = all.get('smt.active');
  return {
    machine: parseMachineReport(output),
    containerMarkers: entries('container:').map(([path, content]) => `${path}: ${content}`),
    smtActive: smt === '1' ? true : smt === '0' ? false : undefined,
    smtControl: all.get('smt.control') ?? '',
    cpus: entries('cpu.').flatMap(([cpu, ids]) => {
      const [packageId, coreId] = ids!.split(/\s+/).map(Number);
      return Number.isInteger(packageId) && Number.isInteger(coreId)
        ? [{ cpu: cpu!, packageId: packageId!, coreId: coreId! }]
        : [];
    }),
    nics: entries('net.').map(([name, value]) => {
      const f = fieldsOf(value!);
      const speed = numberOr(f.get('speed'));
      return {
        name: name!,
        // The kernel reports -1 (or 4294967295) for an unknown speed.
        speedMbps: speed !== undefined && speed > 0 && speed < 4294967295 ? speed : undefined,
        pciClass: f.get('class') ?? '',
        sriovTotalVfs: numberOr(f.get('totalvfs')),
        virtualFunction: f.get('vf') === '1',
      };
    }),
    blockDevices: entries('block.').map(([name, value]) => {
      const f = fieldsOf(value!);
      const rotational = f.get('rotational');
      return {
        name: name!,
        rotational: rotational === '1' ? true : rotational === '0' ? false : undefined,
        removable: f.get('removable') === '1',
        virtual: f.get('virtual') === '1',
      };
    }),
  };
}

/** A sleeper pinned to `node` (any taint) with the node's /sys and / mounted read-only. */
export function hardwareProbePod(ctx: CheckContext, name: string, node: V1Node): V1Pod {
  const hostMount = (volume: string, path: string, at: string) =>
    withVolume(
      { name: volume, hostPath: { path, type: 'Directory' } },
      { mountPath: at, readOnly: true },
    );
  return applyTweaks(sleeperPod(ctx, name), [
    pinToNode(node),
    toleratingEveryTaint,
    // The script travels in the pod's environment, so an exec error names a short command.
    (pod) => {
      containerOf(pod).env = [{ name: 'RA2_HW_SCRIPT', value: hardwareScript }];
    },
    hostMount('host-sys', '/sys', '/host/sys'),
    hostMount('host-root', '/', '/host/root'),
  ]);
}

export type NodeHardware =
  | { node: string; report: HardwareReport }
  | { node: string; notStarted: string; described: Record<string, unknown> };

/** Probes each node (a bounded number at a time); each pod is deleted once read. */
export async function probeHardware(
  ctx: CheckContext,
  ns: NamespaceHandle,
  nodes: readonly V1Node[],
  concurrency: number,
): Promise<NodeHardware[]> {
  return mapBounded(nodes, concurrency, async (node, i): Promise<NodeHardware> => {
    const name = `hw-${i}`;
    // A node whose probe pod is slow to start (no cause from the cluster) is a node not
    // observed: the rows judge the other nodes and say so, rather than all ending in error.
    const started = await ns.pods
      .tryStart(hardwareProbePod(ctx, name, node))
      .catch((err: unknown): Started => {
        if (!(err instanceof WaitTimeoutError)) throw err;
        return { started: false, name, reason: err.message, described: { lastSeen: err.lastSeen } };
      });
    if (!started.started)
      return { node: nodeName(node), notStarted: started.reason, described: started.described };
    const report = await readHardware(ns.pods, name);
    await ctx.cluster.core
      .deleteNamespacedPod({ name, namespace: ns.name, gracePeriodSeconds: 0 })
      .catch(() => undefined); // the namespace goes at the check's end anyway
    return { node: nodeName(node), report };
  });
}

/**
 * Runs the script in a started probe pod. It only reads, so an exec that stalled past its
 * deadline (the API server or kubelet under load; seen on the 1,000-node bed) is run once more.
 */
export async function readHardware(pods: PodExec, pod: string): Promise<HardwareReport> {
  const { stdout } = await execReadOnly(() =>
    pods.exec(pod, ['sh', '-c', 'eval "$RA2_HW_SCRIPT"']),
  );
  return parseHardwareReport(stdout);
}
