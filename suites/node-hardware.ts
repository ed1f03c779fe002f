/**
 * The node rows about the physical machine (ra2.ch.002, 004, 008, 009, 013,
 * 014, 015) and the VM row ra2.ch.011, decided from one sysfs probe per
 * sampled node. The probe runs once per run (a memo keyed by run id and
 * --all-nodes) in the namespace of the first of these rows that runs, and
 * every row judges its own nodes from the shared readings.
 */
import type { V1Node } from '@kubernetes/client-node';
import type { CheckContext } from '../helpers/framework/context.js';
import type { CheckOptions, SpecFunction } from '../helpers/framework/registry.js';
import type { Verdict } from '../helpers/framework/result.js';
import { isReady, nodeName } from '../helpers/k8s/nodes.js';
import { basicWorkers, networkIntensiveWorkers, profileLabelOf } from './rules/node-groups.js';
import { probeHardware } from '../helpers/probes/node-hardware.js';
import {
  defaultProbeConcurrency,
  sampleNodes,
  type NodeSample,
} from '../helpers/probes/node-sample.js';
import {
  hasSsd,
  judgeHardware,
  nicPortCount,
  nicSpeedAtLeast,
  smtEnabled,
  sriovCapable,
  socketsAndCores,
  type HardwareJudge,
  type ProbedNode,
} from './rules/hardware.js';

/** Ready, schedulable nodes: where a probe pod can run. */
export const probeable = (n: V1Node) => isReady(n) && !n.spec?.unschedulable;

export interface HardwareProbe {
  nodes: readonly V1Node[];
  sample: NodeSample;
  probed: ProbedNode[];
}

const memo = new Map<string, Promise<HardwareProbe>>();

/**
 * The run's one hardware probe. Rows run concurrently, so a row may find the
 * probe under way in another row's namespace and wait for it. Its error is
 * every row's error (an exec that timed out would time out again), unless the
 * row that started it was cut short (its own deadline): then the next row
 * probes again with its own context.
 */
export async function hardwareProbe(ctx: CheckContext, allNodes: boolean): Promise<HardwareProbe> {
  const key = `${ctx.runId}:${allNodes}`;
  const shared = memo.get(key);
  if (shared) {
    ctx.log(`waiting for this run's hardware probe (${key})`);
    try {
      return await shared;
    } catch (err) {
      if (memo.get(key) === shared) throw err;
      ctx.log(`the row that started the probe was cut short (${String(err)}); probing again`);
    }
  }
  const own = runHardwareProbe(ctx, allNodes);
  memo.set(key, own);
  own.catch(() => {
    if (ctx.signal.aborted && memo.get(key) === own) memo.delete(key);
  });
  return own;
}

async function runHardwareProbe(ctx: CheckContext, allNodes: boolean): Promise<HardwareProbe> {
  const nodes = await ctx.cluster.inventory.nodes();
  const sample = sampleNodes(nodes.filter(probeable), { allNodes, profileOf: profileLabelOf });
  const ns = await ctx.ns();
  const readings = await probeHardware(ctx, ns, sample.nodes, defaultProbeConcurrency);
  const providers = new Map(nodes.map((n) => [nodeName(n), n.spec?.providerID]));
  const probed = readings.map((hardware) => ({
    node: hardware.node,
    providerID: providers.get(hardware.node),
    hardware,
  }));
  return { nodes, sample, probed };
}

const nfdPrefix = 'feature.node.kubernetes.io/';

/** NFD's labels on the probed nodes that touch the row (evidence only: NFD describes a VM's virtual hardware too). */
function nfdLabels(nodes: readonly V1Node[], pattern: RegExp): Record<string, string[]> {
  return Object.fromEntries(
    nodes.map((n) => [
      nodeName(n),
      Object.entries(n.metadata?.labels ?? {})
        .filter(([k]) => k.startsWith(nfdPrefix) && pattern.test(k))
        .map(([k, v]) => `${k.slice(nfdPrefix.length)}=${v}`),
    ]),
  );
}

interface HardwareRow {
  id: string;
  observes: string;
  expected: string;
  judge: HardwareJudge;
  /** The nodes the row is about; every node unless said. */
  nodesOf?: (nodes: readonly V1Node[]) => V1Node[];
  nfd: RegExp;
}

/** Judges one row from the shared probe, on the probed nodes among those the row is about. */
export async function judgeHardwareRow(
  ctx: CheckContext,
  row: HardwareRow,
  allNodes: boolean,
): Promise<Verdict> {
  const { nodes, sample, probed } = await hardwareProbe(ctx, allNodes);
  const about = new Set((row.nodesOf ?? ((n) => [...n]))(nodes).map(nodeName));
  const mine = probed.filter((p) => about.has(p.node));
  const probedNodes = nodes.filter((n) => mine.some((p) => p.node === nodeName(n)));
  return judgeHardware(mine, row.judge, row.expected, {
    sample: sample.note,
    nfdLabels: nfdLabels(probedNodes, row.nfd),
  });
}

const sysfs = (what: string) =>
  `Starts a pod on one node per role/profile/zone/instance-type (every node with --all-nodes) that mounts the node's /sys and / read-only and reads ${what}; rows are judged on bare-metal nodes only (not a kind/container node: providerID or a runtime's marker file; not a VM: hypervisor CPU flag or DMI vendor).`;

export const hardwareRows: HardwareRow[] = [
  {
    id: 'ra2.ch.002',
    observes: sysfs(
      'sriov_totalvfs of each PCI NIC port (class 0x02) on the network-intensive workers',
    ),
    expected: 'on every network-intensive worker, a PCI NIC port with SR-IOV (sriov_totalvfs > 0)',
    judge: sriovCapable,
    nodesOf: networkIntensiveWorkers,
    nfd: /sriov/,
  },
  {
    id: 'ra2.ch.004',
    observes: sysfs(
      'devices/system/cpu/smt/active (or, without it, threads per core from the CPU topology)',
    ),
    expected: 'SMT active on every node (smt/active = 1)',
    judge: smtEnabled,
    nfd: /multithreading/,
  },
  {
    id: 'ra2.ch.008',
    observes: sysfs(
      'physical_package_id and core_id of every logical CPU (sockets and cores per socket)',
    ),
    expected: 'at least 2 sockets, each with at least 20 cores, on every node',
    judge: socketsAndCores,
    nfd: /cpu-model|topology/,
  },
  {
    id: 'ra2.ch.009',
    observes: sysfs('queue/rotational of each physical, non-removable block device'),
    expected: 'a solid-state (non-rotational) drive on every node',
    judge: hasSsd,
    nfd: /nonrotational/,
  },
  {
    id: 'ra2.ch.013',
    observes: sysfs(
      'the network interfaces with a PCI network-controller device (NIC ports, VFs left out)',
    ),
    expected: 'at least 4 NIC ports on every node',
    judge: nicPortCount,
    nfd: /network|pci-02/,
  },
  {
    id: 'ra2.ch.014',
    observes: sysfs('the speed of each PCI NIC port with a link on the basic-profile workers'),
    expected: 'every NIC port of the basic-profile workers at 10 Gb/s or more',
    judge: nicSpeedAtLeast(10_000),
    nodesOf: basicWorkers,
    nfd: /network|pci-02/,
  },
  {
    id: 'ra2.ch.015',
    observes: sysfs('the speed of each PCI NIC port with a link on the network-intensive workers'),
    expected: 'every NIC port of the network-intensive workers at 25 Gb/s or more',
    judge: nicSpeedAtLeast(25_000),
    nodesOf: networkIntensiveWorkers,
    nfd: /network|pci-02/,
  },
];

/** The hardware rows: attestable, since on VMs and container nodes an attestation must stand in. */
export function defineHardwareRows(spec: SpecFunction) {
  const options = (row: HardwareRow): CheckOptions => ({
    kind: 'probe',
    observes: row.observes,
    podSecurity: 'privileged',
    attestable: 'evidence',
  });
  for (const row of hardwareRows)
    spec(row.id, options(row), (ctx) => judgeHardwareRow(ctx, row, ctx.allNodes));
}
