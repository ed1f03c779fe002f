/**
 * RA2 rules on the multiplexer/meta-plugin: whether one is deployed and runs
 * (ra2.ntw.005), when the "if used" rows apply, that it attaches networks as
 * a CNI plugin (ra2.ntw.006), that the attachments it manages are CNI
 * configurations a plugin acts on (ra2.ntw.009), and that the IPAM plugin
 * for secondary networks allocates across nodes (ra2.ntw.015). The
 * observations come from helpers/probes/network-attachment.ts.
 */
import { fail, notApplicable, pass, skip, type Verdict } from '../../helpers/framework/result.js';
import { resourceName } from '../../helpers/k8s/api-resources.js';
import { formatComponentPod, running } from '../../helpers/k8s/components.js';
import type { ConnectAttempt } from '../../helpers/probes/netexec.js';
import {
  NAD_GROUP,
  NAD_PLURAL,
  describeMultiplexer,
  type AttachmentObservation,
  type Multiplexer,
  type NetworkAttachmentDefinition,
} from '../../helpers/probes/network-attachment.js';
import { attachmentSeen, cniPluginTypes, multiplexerUsed } from './networking-attachments.js';

const nad = resourceName(NAD_GROUP, NAD_PLURAL);

/** ra2.ntw.005 (MAY): none deployed is not applicable; one deployed must be served and running. */
export function judgeMultiplexerDeployment(m: Multiplexer): Verdict {
  const evidence = describeMultiplexer(m);
  if (!m.nad.served && m.pods.length === 0)
    return notApplicable('no multiplexer/meta-plugin is deployed (optional: "may")', evidence);
  const notRunning = m.pods.filter((p) => !running(p));
  if (!multiplexerUsed(m) || notRunning.length > 0)
    return fail(
      'a multiplexer, if deployed, with its NetworkAttachmentDefinition API served and its pods running',
      !m.nad.served
        ? `multiplexer pods found but ${nad} is not served`
        : m.pods.length === 0
          ? `${nad} is served but no multiplexer pod runs`
          : `not running: ${notRunning.map(formatComponentPod).join('; ')}`,
      evidence,
    );
  return pass(
    `a multiplexer is deployed: ${m.pods.length} pod(s) running, ${nad} served`,
    evidence,
  );
}

/** The not-applicable verdict of a row that applies "if a multiplexer is used", when none is. */
export function multiplexerNotUsed(m: Multiplexer): Verdict | undefined {
  if (multiplexerUsed(m)) return undefined;
  return notApplicable(
    `applies if a multiplexer/meta-plugin is used; none is (${m.nad.served ? `${nad} served` : `${nad} not served`}, ${m.pods.length} multiplexer pod(s))`,
    describeMultiplexer(m),
  );
}

/**
 * ra2.ntw.006: called by the runtime as the pod's CNI plugin, the
 * multiplexer gave the pod its default network (eth0, a default entry in
 * network-status) and the requested attachment `iface`.
 */
export function judgeMultiplexerCni(observed: AttachmentObservation, iface = 'net1'): Verdict {
  const defaultEntry = observed.status.find((s) => s.default);
  const problems: string[] = [];
  if (!defaultEntry) problems.push('network-status has no default network');
  if (!observed.inside.eth0) problems.push('no default interface eth0 inside the pod');
  if (!attachmentSeen(observed, iface)) problems.push(`${iface} missing or without address`);
  return problems.length === 0
    ? pass(
        `through one CNI ADD the pod got its default network (${defaultEntry?.name ?? ''}) and ${iface}; the multiplexer published both in network-status`,
        observed.evidence,
      )
    : fail(
        'the multiplexer, called as a CNI plugin, to attach the default and the requested networks',
        problems.join('; '),
        observed.evidence,
      );
}

/** A NetworkAttachmentDefinition's config read as a CNI configuration. */
export interface AttachmentConfig {
  nad: string;
  types: string[];
  error?: string;
}

export function attachmentConfigs(
  nads: readonly NetworkAttachmentDefinition[],
): AttachmentConfig[] {
  return nads.map((n) => ({ nad: `${n.namespace}/${n.name}`, ...cniPluginTypes(n.config) }));
}

/**
 * ra2.ntw.009: every NetworkAttachmentDefinition hands its attachment to a
 * CNI plugin (its config is a CNI configuration), and the probe's macvlan
 * attachment `iface` was made. An empty config points at a file on the
 * nodes, which the API cannot show: not a violation.
 */
export function judgeAttachmentPlugins(
  existing: readonly AttachmentConfig[],
  observed: AttachmentObservation,
  iface = 'net1',
): Verdict {
  const notCni = existing.filter((n) => n.error && !n.error.startsWith('no config'));
  const evidence = { networkAttachmentDefinitions: existing, probe: observed.evidence };
  const problems = [
    ...notCni.map((n) => `${n.nad}: ${n.error ?? ''}`),
    ...(attachmentSeen(observed, iface) ? [] : [`the macvlan attachment ${iface} did not appear`]),
  ];
  return problems.length === 0
    ? pass(
        `${existing.length} NetworkAttachmentDefinition(s) carry CNI configurations; a macvlan (CNI) attachment was made`,
        evidence,
      )
    : fail(
        'additional connection points managed by CNI-conformant plugins',
        problems.join('; '),
        evidence,
      );
}

/** A probe pod's first address on the shared secondary network, from its network-status. */
export interface SecondaryAddress {
  pod: string;
  node: string;
  ip?: string;
}

/** Every pod got a secondary address and no two got the same: worth connecting over. */
export function secondaryAddressesDistinct(pods: readonly SecondaryAddress[]): boolean {
  const ips = pods.map((p) => p.ip);
  return ips.every(Boolean) && new Set(ips).size === ips.length;
}

/**
 * ra2.ntw.015: pods on different nodes attached to one network got an
 * address each from the IPAM plugin, distinct across nodes (a node-local
 * IPAM such as host-local hands out the same first address on every node),
 * and `attempt`, a connection between them over it, got through.
 */
export function judgeClusterIpam(
  pods: readonly SecondaryAddress[],
  attempt: ConnectAttempt | undefined,
  evidence: Record<string, unknown>,
): Verdict {
  const none = pods.filter((p) => !p.ip);
  if (pods.length === 0 || none.length > 0)
    return fail(
      'both pods to get a secondary address from the IPAM plugin',
      pods.map((p) => `${p.pod} ${p.ip ?? 'none'}`).join(', ') || 'no pod attached',
      evidence,
    );
  const byIp = new Map<string, SecondaryAddress[]>();
  for (const p of pods) byIp.set(p.ip!, [...(byIp.get(p.ip!) ?? []), p]);
  const duplicates = [...byIp].filter(([, holders]) => holders.length > 1);
  if (duplicates.length > 0)
    return fail(
      'distinct secondary addresses across nodes',
      duplicates
        .map(
          ([ip, holders]) =>
            `${holders.map((h) => `${h.pod} on ${h.node}`).join(' and ')} got the same address ${ip}`,
        )
        .join('; '),
      evidence,
    );
  if (!attempt)
    return skip(
      'nothing to judge: no connection over the secondary network was attempted',
      evidence,
    );
  return attempt.reachable
    ? pass(
        `pods on ${pods.map((p) => p.node).join(' and ')} got distinct secondary addresses ${pods.map((p) => p.ip).join(', ')} and connected over them`,
        evidence,
      )
    : fail(
        'the pods to reach each other over the secondary network',
        `${attempt.target}: ${attempt.detail}`,
        evidence,
      );
}
