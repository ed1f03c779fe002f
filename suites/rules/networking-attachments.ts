/**
 * RA2 rules on additional connection points (ra2.ntw.003-009 and ra2.ntw.015,
 * and ra2.app.006): what counts as a multiplexer being used,
 * as an attachment a pod got, as a CNI configuration, and as an attachment
 * nobody asked for. The observations come from helpers/probes/network-attachment.ts.
 */
import type { V1Pod } from '@kubernetes/client-node';
import { fail, pass, skip, type Verdict } from '../../helpers/framework/result.js';
import { isExtendedResource } from '../../helpers/k8s/extended-resources.js';
import {
  attachmentsOf,
  type AttachmentObservation,
  type Multiplexer,
} from '../../helpers/probes/network-attachment.js';

/** "If a multiplexer is used": the NetworkAttachmentDefinition API is served and some multiplexer pod exists. */
export function multiplexerUsed(m: Multiplexer): boolean {
  return m.nad.served && m.pods.length > 0;
}

/** The interface exists inside the pod with an address, and network-status lists it with one. */
export function attachmentSeen(o: AttachmentObservation, iface: string): boolean {
  const insideIps = o.inside[iface] ?? [];
  const statusIps = o.status.find((s) => s.interface === iface)?.ips ?? [];
  return insideIps.length > 0 && statusIps.some((ip) => insideIps.includes(ip));
}

/**
 * Does a NAD's config look like a CNI network configuration: a cniVersion and
 * either a plugin type or a plugins list whose entries each name a type?
 * Returns the plugin types, or an error text. (An empty config means the
 * NAD relies on a file on the node, which the API cannot show.)
 */
export function cniPluginTypes(config: string): { types: string[]; error?: string } {
  if (config.trim() === '')
    return { types: [], error: 'no config (refers to a file on the nodes)' };
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(config) as Record<string, unknown>;
  } catch {
    return { types: [], error: 'config is not JSON' };
  }
  if (typeof parsed.cniVersion !== 'string')
    return { types: [], error: 'config has no cniVersion' };
  if (typeof parsed.type === 'string') return { types: [parsed.type] };
  if (Array.isArray(parsed.plugins)) {
    const types = parsed.plugins.map((p) => (p as { type?: unknown }).type);
    if (types.length > 0 && types.every((t) => typeof t === 'string')) return { types: types };
  }
  return { types: [], error: 'config names no plugin type' };
}

/**
 * Pods that show non-default attachments in their network-status but did not
 * request them through the networks annotation or a container resource request
 * (of an extended resource, as SR-IOV attachments are requested).
 */
export function unrequestedAttachments(
  pods: readonly V1Pod[],
  isExtended: (resource: string) => boolean,
): { pod: string; attachments: string[] }[] {
  return pods
    .map(attachmentsOf)
    .filter((a) => a.attachments.length > 0 && !a.annotated && !a.resources.some(isExtended))
    .map(({ pod, attachments }) => ({ pod, attachments }));
}

/** Pods whose network-status lists an additional (non-default) connection point. */
export function podsWithAttachments(
  pods: readonly V1Pod[],
): { pod: string; attachments: string[] }[] {
  return pods
    .map(attachmentsOf)
    .filter((a) => a.attachments.length > 0)
    .map(({ pod, attachments }) => ({ pod, attachments }));
}

/**
 * ra2.app.006: workload pods with additional connection points must have asked
 * for them (networks annotation or extended-resource request). With no such
 * pod there is nothing to judge: a skip, never a pass.
 */
export function judgeRequestedAttachments(workloads: readonly V1Pod[]): Verdict {
  const attached = podsWithAttachments(workloads);
  if (attached.length === 0)
    return skip(
      `nothing to judge: no pod with a network attachment (none of ${workloads.length} pods has a non-default entry in its network-status); deploy the workloads to be judged`,
      { podsExamined: workloads.length, podsWithAttachments: 0 },
    );
  const unrequested = unrequestedAttachments(workloads, isExtendedResource);
  const evidence = {
    podsExamined: workloads.length,
    podsWithAttachments: attached.map((a) => `${a.pod}: ${a.attachments.join(', ')}`),
    podsWithUnrequestedAttachments: unrequested,
  };
  return unrequested.length === 0
    ? pass(
        `all ${attached.length} pods with additional connection points requested them by annotation or resource request`,
        evidence,
      )
    : fail(
        'additional connection points requested through annotations or resource requests',
        unrequested.map((u) => `${u.pod}: ${u.attachments.join(', ')}`).join('; '),
        evidence,
      );
}
