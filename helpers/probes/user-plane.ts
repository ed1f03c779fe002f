/**
 * User-plane attachments (ra2.ntw.010): a pod requests a network whose
 * NetworkAttachmentDefinition names a device-plugin resource
 * (k8s.v1.cni.cncf.io/resourceName), asking for one unit of that resource the
 * way SR-IOV, userspace and vhost-user networks are consumed, and the probe
 * looks inside the pod for what it got: its links, the device plugin's PCI
 * environment variables, /dev/vfio, and the multiplexer's network-status.
 * Observes only; suites/rules/user-plane.ts judges.
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import type { NamespaceHandle, NetworkAttachment } from '../k8s/namespace-handle.js';
import {
  networkAttachment,
  networkStatusOf,
  type CniConfig,
  type NetworkStatus,
} from './network-attachment.js';
import { sleeperPod } from './pod.js';
import { withAnnotations, withResources } from './tweaks.js';

export const resourceNameAnnotation = 'k8s.v1.cni.cncf.io/resourceName';

/** A user-plane network the cluster offers, copied into the check's namespace to attach to. */
export interface UserPlaneNetwork {
  /** namespace/name of the NetworkAttachmentDefinition in the cluster. */
  source: string;
  config: string;
  types: string[];
  resource: string;
}

export interface UserPlaneObservation {
  network: string;
  resource: string;
  started: boolean;
  notStarted?: string;
  /** Link names inside the pod (`ip -o link`). */
  links: string[];
  /** PCIDEVICE_* variables the device plugin set, NAME=value. */
  deviceEnv: string[];
  /** Entries of /dev/vfio inside the pod. */
  vfio: string[];
  /** The network-status entry of the attachment, if the multiplexer wrote one. */
  status?: NetworkStatus;
}

/** `ip -o link` -> link names ("2: net1@if7: <...>" -> net1). */
export function parseLinkNames(output: string): string[] {
  return output
    .split('\n')
    .map((l) => /^\d+:\s+([^:@\s]+)/.exec(l.trim())?.[1])
    .filter((n): n is string => n !== undefined);
}

/** One shell run inside the pod: links, device-plugin env vars, /dev/vfio, in marked sections. */
const inspectScript =
  "echo '--links'; ip -o link; echo '--env'; env | grep '^PCIDEVICE_' ; echo '--vfio'; ls /dev/vfio 2>/dev/null; true";

export function parseInspection(
  stdout: string,
): Pick<UserPlaneObservation, 'links' | 'deviceEnv' | 'vfio'> {
  const sections: Record<string, string[]> = { links: [], env: [], vfio: [] };
  let current = '';
  for (const line of stdout.split('\n')) {
    const marker = /^--(links|env|vfio)$/.exec(line.trim());
    if (marker) current = marker[1]!;
    else if (current && line.trim()) sections[current]!.push(line.trim());
  }
  return {
    links: parseLinkNames(sections.links!.join('\n')),
    deviceEnv: sections.env!,
    vfio: sections.vfio!,
  };
}

/**
 * Copies `network` into the check's namespace (same config and resourceName
 * annotation, so namespace isolation in the multiplexer does not matter),
 * starts a pod requesting it as net1 with one unit of its resource, and
 * reads what the pod got.
 */
export async function attachUserPlane(
  ctx: CheckContext,
  ns: NamespaceHandle,
  network: UserPlaneNetwork,
  podName: string,
): Promise<UserPlaneObservation> {
  const nadName = `${podName}-net`;
  const nad: NetworkAttachment = networkAttachment(
    nadName,
    JSON.parse(network.config) as CniConfig,
  );
  await ns.createAttachment(nad, (a) => {
    (a.metadata as { annotations?: Record<string, string> }).annotations = {
      [resourceNameAnnotation]: network.resource,
    };
  });
  const base = {
    network: network.source,
    resource: network.resource,
    links: [],
    deviceEnv: [],
    vfio: [],
  };
  const started = await ns.pods.tryStart(
    sleeperPod(ctx, podName),
    withAnnotations({
      'k8s.v1.cni.cncf.io/networks': JSON.stringify([{ name: nadName, interface: 'net1' }]),
    }),
    withResources({ [network.resource]: '1' }),
  );
  if (!started.started) return { ...base, started: false, notStarted: started.reason };
  const pod: V1Pod = started.pod;
  const r = await ns.pods.exec(podName, ['sh', '-c', inspectScript]);
  const status = networkStatusOf(pod).find(
    (s) => s.name.endsWith(`/${nadName}`) || s.name === nadName,
  );
  return { ...base, started: true, ...parseInspection(r.stdout), status };
}
