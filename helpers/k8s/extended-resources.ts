/**
 * Resources that nodes advertise beyond the built-in ones: what device plugins
 * (SR-IOV, FPGA, GPU, sample devices) register with the kubelet appears in
 * node.status.capacity/allocatable under a domain-prefixed name. Pure
 * functions over node objects (and one read of the SR-IOV plugin's
 * ConfigMap); suites assert.
 */
import type { CoreV1Api, V1Node } from '@kubernetes/client-node';
import { nodeName } from './nodes.js';
import { parseQuantity } from './quantity.js';

const builtIn = new Set(['cpu', 'memory', 'ephemeral-storage', 'pods', 'storage']);

/** Not a built-in resource, huge pages or an attachable-volumes count: an extended resource. */
export function isExtendedResource(name: string): boolean {
  if (builtIn.has(name)) return false;
  if (name.startsWith('hugepages-')) return false;
  if (name.startsWith('attachable-volumes-')) return false;
  // Extended resources are fully qualified (domain/name) outside kubernetes.io.
  return name.includes('/') && !name.startsWith('kubernetes.io/');
}

export interface NodeResource {
  node: string;
  resource: string;
  capacity: number;
  allocatable: number;
}

/** Every extended resource of every node, with its capacity and allocatable counts. */
export function extendedResources(nodes: readonly V1Node[]): NodeResource[] {
  const found: NodeResource[] = [];
  for (const node of nodes) {
    const capacity = node.status?.capacity ?? {};
    const allocatable = node.status?.allocatable ?? {};
    for (const resource of Object.keys({ ...capacity, ...allocatable }).sort()) {
      if (!isExtendedResource(resource)) continue;
      found.push({
        node: nodeName(node),
        resource,
        capacity: parseQuantity(capacity[resource] ?? '0'),
        allocatable: parseQuantity(allocatable[resource] ?? '0'),
      });
    }
  }
  return found;
}

/** SR-IOV device plugin resource names read from its ConfigMap (config.json "resourceList"). */
export function sriovResourceNamesFromConfig(configJson: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(configJson);
  } catch {
    return [];
  }
  const list = (parsed as { resourceList?: unknown }).resourceList;
  if (!Array.isArray(list)) return [];
  return list.flatMap((entry) => {
    const e = entry as { resourceName?: unknown; resourcePrefix?: unknown };
    if (typeof e.resourceName !== 'string') return [];
    const prefix = typeof e.resourcePrefix === 'string' ? e.resourcePrefix : 'intel.com';
    return [e.resourceName.includes('/') ? e.resourceName : `${prefix}/${e.resourceName}`];
  });
}

/** Resource names the SR-IOV device plugin's ConfigMap (sriovdp-config) declares, in any namespace. */
export async function sriovConfiguredNames(core: CoreV1Api): Promise<string[]> {
  const maps = (
    await core.listConfigMapForAllNamespaces({ fieldSelector: 'metadata.name=sriovdp-config' })
  ).items;
  return maps.flatMap((m) => sriovResourceNamesFromConfig(m.data?.['config.json'] ?? ''));
}

/**
 * Extended resources that are SR-IOV virtual functions: named in the SR-IOV
 * device plugin's configuration, or with "sriov" in their name.
 */
export function sriovResources(
  resources: readonly NodeResource[],
  configuredNames: readonly string[],
): NodeResource[] {
  const configured = new Set(configuredNames);
  return resources.filter((r) => configured.has(r.resource) || /sriov/i.test(r.resource));
}

/** Per node: the resources of `selected` it advertises with allocatable > 0. */
export function byNode(
  nodes: readonly V1Node[],
  selected: readonly NodeResource[],
): Record<string, string[]> {
  return Object.fromEntries(
    nodes.map((node) => [
      nodeName(node),
      selected
        .filter((r) => r.node === nodeName(node) && r.allocatable > 0)
        .map((r) => `${r.resource}=${r.allocatable}`),
    ]),
  );
}
