/** --profile auto: the profile a cluster's node labels ask for. */
import type { V1Node } from '@kubernetes/client-node';
import { hasProfile, networkIntensiveLabel } from '../../catalog/profiles.js';
import type { Profile } from '../../catalog/types.js';
import type { ClusterInventory } from '../k8s/inventory.js';
import { nodeName } from '../k8s/nodes.js';

/** Network-intensive if any node is labelled for it. */
export function profileOfNodes(nodes: readonly V1Node[]): { profile: Profile; reason: string } {
  const labelled = nodes.filter((n) => hasProfile(n, 'network-intensive')).map(nodeName);
  return labelled.length > 0
    ? {
        profile: 'network-intensive',
        reason: `${networkIntensiveLabel}=true on ${labelled.join(', ')}`,
      }
    : { profile: 'basic', reason: `no node has ${networkIntensiveLabel}=true` };
}

export async function resolveProfile(
  inventory: Pick<ClusterInventory, 'nodes'>,
): Promise<{ profile: Profile; reason: string }> {
  return profileOfNodes(await inventory.nodes());
}
