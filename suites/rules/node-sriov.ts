/**
 * ra2.ch.003 on the nodes it is about: SR-IOV VFs configured in the node OS of
 * the nodes that host network-intensive workloads (labelled workers, else
 * every worker), seen as the VF resources the SR-IOV device plugin advertises.
 * (suites/rules/networking-sriov.ts judges every worker for ra2.ntw.008.)
 */
import type { V1Node } from '@kubernetes/client-node';
import type { CheckContext } from '../../helpers/framework/context.js';
import { fail, pass, type Verdict } from '../../helpers/framework/result.js';
import { findComponentPods, formatComponentPod } from '../../helpers/k8s/components.js';
import {
  byNode,
  extendedResources,
  sriovConfiguredNames,
  sriovResources,
} from '../../helpers/k8s/extended-resources.js';

const sriovDevicePluginPattern = /sriov-?(network-)?device-plugin|sriovdp/i;

/** Per node, the VF resources it advertises; the nodes without any fail the row. */
export function judgeVfsOn(
  nodes: readonly V1Node[],
  vfsByNode: Record<string, string[]>,
  expected: string,
  evidence: Record<string, unknown>,
): Verdict {
  const without = Object.entries(vfsByNode)
    .filter(([, r]) => r.length === 0)
    .map(([n]) => n);
  if (nodes.length === 0) return fail(expected, 'no worker nodes', evidence);
  if (without.length > 0)
    return fail(
      expected,
      `no SR-IOV VF resource with allocatable > 0 on ${without.join(', ')}`,
      evidence,
    );
  return pass(
    `every network-intensive worker advertises SR-IOV VFs (${Object.entries(vfsByNode)
      .map(([n, r]) => `${n}: ${r.join(', ')}`)
      .join('; ')})`,
    evidence,
  );
}

export async function sriovVfsOn(
  ctx: CheckContext,
  nodes: readonly V1Node[],
  expected: string,
): Promise<Verdict> {
  const configured = await sriovConfiguredNames(ctx.cluster.core);
  const vfs = sriovResources(extendedResources(nodes), configured);
  const plugins = await findComponentPods(ctx.cluster.core, sriovDevicePluginPattern);
  const perNode = byNode(nodes, vfs);
  return judgeVfsOn(nodes, perNode, expected, {
    judgedNodes: 'the network-intensive workers (labelled, else every worker)',
    configuredResourceNames: configured,
    vfResourcesByWorker: perNode,
    devicePluginPods: plugins.map(formatComponentPod),
  });
}
