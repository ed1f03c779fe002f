/**
 * ra2.ntw.010 (user plane networking): CNI plugins that support DPDK, VPP or
 * SR-IOV must be deployed. Names of plugin types prove nothing; what does is a
 * pod attached to a user-plane network the cluster offers (an SR-IOV,
 * userspace or vhost-user NetworkAttachmentDefinition naming its device
 * resource in k8s.v1.cni.cncf.io/resourceName) that then has the interface
 * or the device inside it.
 */
import { fail, pass, type Verdict } from '../../helpers/framework/result.js';
import type { NetworkAttachmentDefinition } from '../../helpers/probes/network-attachment.js';
import {
  resourceNameAnnotation,
  type UserPlaneNetwork,
  type UserPlaneObservation,
} from '../../helpers/probes/user-plane.js';
import { cniPluginTypes } from './networking-attachments.js';

/** CNI types that give pods user-plane interfaces (SR-IOV VFs, DPDK/VPP vhost-user ports). */
export const userPlaneTypes = ['sriov', 'userspace', 'vhostuser'];

/** The user-plane networks pods can request, and those that name no resource to request. */
export function userPlaneNetworks(nads: readonly NetworkAttachmentDefinition[]): {
  usable: UserPlaneNetwork[];
  withoutResource: string[];
} {
  const usable: UserPlaneNetwork[] = [];
  const withoutResource: string[] = [];
  for (const n of nads) {
    const { types } = cniPluginTypes(n.config);
    if (!types.some((t) => userPlaneTypes.includes(t))) continue;
    const source = `${n.namespace}/${n.name}`;
    const resource = n.annotations[resourceNameAnnotation];
    if (resource) usable.push({ source, config: n.config, types, resource });
    else withoutResource.push(`${source} (${types.join(', ')})`);
  }
  return { usable, withoutResource };
}

/** What inside the pod shows the attachment: net1, a device plugin PCI variable, or a VFIO group. */
export function deviceSeen(o: UserPlaneObservation): string | undefined {
  if (!o.started) return undefined;
  if (o.links.includes('net1')) return 'interface net1';
  if (o.deviceEnv.length > 0) return `device ${o.deviceEnv.join(', ')}`;
  const groups = o.vfio.filter((e) => e !== 'vfio');
  if (groups.length > 0) return `VFIO group(s) /dev/vfio/${groups.join(', /dev/vfio/')}`;
  return undefined;
}

function describe(o: UserPlaneObservation): string {
  if (!o.started)
    return `${o.network}: the pod requesting 1 ${o.resource} did not start: ${o.notStarted ?? ''}`;
  return `${o.network}: pod started but shows no net1, PCIDEVICE_* variable or /dev/vfio group (links: ${o.links.join(', ') || 'none'})`;
}

export function judgeUserPlane(
  offered: { usable: readonly UserPlaneNetwork[]; withoutResource: readonly string[] },
  observations: readonly UserPlaneObservation[],
  evidence: Record<string, unknown>,
): Verdict {
  const expected =
    'a user-plane network (SR-IOV, userspace or vhost-user NetworkAttachmentDefinition with k8s.v1.cni.cncf.io/resourceName) that a pod attaches to and sees inside';
  const all = { ...evidence, observations };
  if (offered.usable.length === 0)
    return fail(
      expected,
      `no user-plane network is offered: no NetworkAttachmentDefinition of type ${userPlaneTypes.join(', ')} names a device resource${
        offered.withoutResource.length > 0
          ? ` (without ${resourceNameAnnotation}: ${offered.withoutResource.join('; ')})`
          : ''
      }`,
      all,
    );
  const attached = observations.find((o) => deviceSeen(o) !== undefined);
  if (attached)
    return pass(
      `a pod attached to ${attached.network} with 1 ${attached.resource} has ${deviceSeen(attached)} inside`,
      all,
    );
  return fail(expected, observations.map(describe).join('; '), all);
}
