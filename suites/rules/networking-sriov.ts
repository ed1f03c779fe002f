/**
 * ra2.ntw.008 (and the sentence ra2.ch.003 shows): VFs exist in the node OS
 * and the SR-IOV device plugin advertises them, so each worker that hosts
 * network-intensive workloads (labelled with the profile, else every worker)
 * shows a VF resource with allocatable > 0, and the plugin's pods run.
 */
import type { V1Node } from '@kubernetes/client-node';
import { hasProfile, networkIntensiveLabel } from '../../catalog/profiles.js';
import type { CheckContext } from '../../helpers/framework/context.js';
import { fail, pass, type Verdict } from '../../helpers/framework/result.js';
import { findComponentPods, formatComponentPod } from '../../helpers/k8s/components.js';
import {
  byNode,
  extendedResources,
  sriovConfiguredNames,
  sriovResources,
} from '../../helpers/k8s/extended-resources.js';
import { networkIntensiveWorkers as networkIntensiveNodes } from './node-groups.js';

/** SR-IOV network device plugin pods (sriov-network-device-plugin, sriovdp). */
const sriovDevicePluginPattern = /sriov-?(network-)?device-plugin|sriovdp/i;

/** What the SR-IOV rows observe, in one sentence. */
export const sriovObserves =
  'Reads the allocatable extended resources of the workers labelled network-intensive (every worker when none is) for SR-IOV VF resources (named in the SR-IOV device plugin’s sriovdp-config ConfigMap, or with "sriov" in their name) and looks for SR-IOV device plugin pods; VFs that no device plugin advertises are not visible through the API.';

/** The workers node-groups.ts picks for network-intensive workloads, and which rule picked them. */
export function networkIntensiveWorkers(all: readonly V1Node[]): {
  nodes: V1Node[];
  chosenBy: string;
} {
  const nodes = networkIntensiveNodes(all);
  return nodes.some((n) => hasProfile(n, 'network-intensive'))
    ? { nodes, chosenBy: `workers labelled ${networkIntensiveLabel}=true` }
    : { nodes, chosenBy: `every worker (none is labelled ${networkIntensiveLabel}=true)` };
}

/** What the SR-IOV rows see: the nodes judged, the VF resource names configured, the plugin's pods. */
export interface SriovObservation {
  nodes: V1Node[];
  chosenBy: string;
  configuredNames: string[];
  devicePluginPods: string[];
}

export async function observeSriov(ctx: CheckContext): Promise<SriovObservation> {
  const { nodes, chosenBy } = networkIntensiveWorkers(await ctx.cluster.inventory.nodes());
  const configuredNames = await sriovConfiguredNames(ctx.cluster.core);
  const plugins = await findComponentPods(ctx.cluster.inventory, sriovDevicePluginPattern);
  return { nodes, chosenBy, configuredNames, devicePluginPods: plugins.map(formatComponentPod) };
}

/** Every judged worker advertises a VF resource with allocatable > 0; `expected` says what the row asks. */
export function judgeSriovAdvertised(observed: SriovObservation, expected: string): Verdict {
  const { nodes, chosenBy, configuredNames, devicePluginPods } = observed;
  const perNode = byNode(nodes, sriovResources(extendedResources(nodes), configuredNames));
  const evidence = {
    judgedNodes: chosenBy,
    configuredResourceNames: configuredNames,
    vfResourcesByWorker: perNode,
    devicePluginPods,
  };
  const without = Object.entries(perNode)
    .filter(([, r]) => r.length === 0)
    .map(([n]) => n);
  if (nodes.length === 0) return fail(expected, 'no worker nodes', evidence);
  if (without.length > 0)
    return fail(
      expected,
      `no SR-IOV VF resource with allocatable > 0 on ${without.join(', ')}${devicePluginPods.length === 0 ? '; no SR-IOV device plugin pod found' : ''}`,
      evidence,
    );
  return pass(
    `every network-intensive worker advertises SR-IOV VFs (${Object.values(perNode).flat().join('; ')})`,
    evidence,
  );
}
