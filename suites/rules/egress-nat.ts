/**
 * ra2.ntw.011 (NATless connectivity): the pod address must reach networks
 * outside the pod network unchanged. Pod-to-pod traffic says nothing about
 * that (every conformant CNI keeps it un-NATed); what does is the source
 * address a server outside the pod network, in another node's own network
 * namespace, sees when a pod connects to that node's address. Judged per
 * IP family the client pod has.
 */
import { fail, pass, skip, type Verdict } from '../../helpers/framework/result.js';

export interface EgressObservation {
  family: 'IPv4' | 'IPv6';
  /** The client pod's own address of that family. */
  podIp: string;
  /** The server node's InternalIP of that family; absent when the node has none. */
  target?: string;
  /** The source address the host-network server reported. */
  seen?: string;
  /** Why nothing was seen (connection or exec failure). */
  error?: string;
  /** Every answer when the first was not the pod's address (the first and those asked after). */
  answers?: string[];
}

/** Addresses that say whose address replaced the pod's: the client node's own, when known. */
export interface KnownAddresses {
  clientNodeIps: string[];
}

function whose(seen: string, known: KnownAddresses): string {
  return known.clientNodeIps.includes(seen) ? ` (the client node's address: source NAT)` : '';
}

/** "; asked 3 times: 172.18.0.3, 10.244.1.5, 10.244.1.5" (whether the rewrite holds or came once). */
function answered(o: EgressObservation): string {
  return o.answers && o.answers.length > 1
    ? `; asked ${o.answers.length} times: ${o.answers.join(', ')}`
    : '';
}

export function judgeEgressNat(
  observations: readonly EgressObservation[],
  known: KnownAddresses,
  evidence: Record<string, unknown> = {},
): Verdict {
  const all = { ...evidence, observations };
  const seen = observations.filter((o) => o.seen !== undefined);
  const natted = seen.filter((o) => o.seen !== o.podIp);
  if (natted.length > 0)
    return fail(
      "the pod's own address as the source of its traffic to networks outside the pod network (no NAT)",
      natted
        .map(
          (o) =>
            `${o.family}: pod ${o.podIp} -> ${o.target ?? '?'}, the server saw ${o.seen}${whose(o.seen!, known)}${answered(o)}`,
        )
        .join('; '),
      all,
    );
  const unseen = observations.filter((o) => o.seen === undefined);
  if (observations.length === 0 || unseen.length > 0)
    return skip(
      `not observed${
        unseen.length > 0
          ? `: ${unseen.map((o) => `${o.family}: ${o.target ? `${o.target}: ${o.error ?? 'no answer'}` : 'the server node has no InternalIP of this family'}`).join('; ')}`
          : ': the client pod has no address'
      }${seen.length > 0 ? ` (preserved over ${seen.map((o) => o.family).join(', ')})` : ''}`,
      all,
    );
  return pass(
    `a server in another node's network namespace saw the pod's own address as the source (${seen.map((o) => `${o.family} ${o.seen}`).join(', ')})`,
    all,
  );
}
