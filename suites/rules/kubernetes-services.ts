/**
 * The Service rows judged from what the probes saw: ra2.k8s.010 (a
 * RequireDualStack Service gets a ClusterIP of each family and answers over
 * both), ra2.k8s.017 (a NodePort answers on every worker) and ra2.k8s.018 (an
 * ExternalName Service resolves as a CNAME and carries traffic).
 */
import { isIPv4, isIPv6 } from 'node:net';
import type { V1Node, V1ServiceSpec } from '@kubernetes/client-node';
import type { ConnectAttempt, HttpAttempt } from '../../helpers/probes/netexec.js';
import { nodeName, workers } from '../../helpers/k8s/nodes.js';
import { fail, pass, type Verdict } from '../../helpers/framework/result.js';

/**
 * The API server's reason in a refused request: the Status message in its
 * body (a single-stack cluster says "this cluster is not configured for
 * dual-stack services"), else the first line of the error.
 */
export function refusalMessage(errorMessage: string, body: unknown): string {
  const status = typeof body === 'string' ? parseJson(body) : body;
  const message = (status as { message?: unknown } | undefined)?.message;
  if (typeof message === 'string' && message.trim() !== '') return message.trim();
  return errorMessage.split('\n')[0] ?? '';
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** ra2.k8s.010: the API server refused the RequireDualStack Service (422); `reason` is its message. */
export function dualStackRefused(reason: string): Verdict {
  return fail(
    'a Service with ipFamilyPolicy RequireDualStack to be accepted',
    `rejected: ${reason}`,
  );
}

/**
 * ra2.k8s.010: the ClusterIPs the RequireDualStack Service got, one of each
 * family, or the failed verdict when a family is missing.
 */
export function dualStackClusterIps(
  clusterIPs: readonly string[],
): { ipv4: string; ipv6: string } | Verdict {
  const ipv4 = clusterIPs.find((ip) => isIPv4(ip));
  const ipv6 = clusterIPs.find((ip) => isIPv6(ip));
  if (!ipv4 || !ipv6) {
    return fail(
      'two ClusterIPs, one IPv4 and one IPv6',
      `clusterIPs ${JSON.stringify(clusterIPs)}`,
      { clusterIPs },
    );
  }
  return { ipv4, ipv6 };
}

/** ra2.k8s.010: the client's last attempt through each ClusterIP. */
export function judgeDualStackReach(
  clusterIPs: readonly string[],
  allocated: { ipv4: string; ipv6: string },
  attempts: readonly ConnectAttempt[],
): Verdict {
  const evidence = { clusterIPs, attempts };
  const unreachable = attempts.filter((a) => !a.reachable);
  return unreachable.length === 0
    ? pass(
        `service got ${allocated.ipv4} and ${allocated.ipv6}; the client reached the server over both`,
        evidence,
      )
    : fail(
        'the server to be reachable through the service over IPv4 and IPv6',
        unreachable.map((a) => `${a.target}: exit ${a.exitCode} ${a.detail}`).join('; '),
        evidence,
      );
}

export interface NodePortTarget {
  node: string;
  ip: string;
}

/** ra2.k8s.017: each worker's InternalIP of the Service's first IP family (IPv4 unless it says IPv6). */
export function nodePortTargets(nodes: readonly V1Node[], family: string): NodePortTarget[] {
  return workers(nodes).flatMap((node) => {
    const ip = (node.status?.addresses ?? []).find(
      (a) => a.type === 'InternalIP' && (family === 'IPv6' ? isIPv6(a.address) : isIPv4(a.address)),
    )?.address;
    return ip ? [{ node: nodeName(node), ip }] : [];
  });
}

/** ra2.k8s.017: the allocated node port, or the failed verdict when none was or no worker has an address to try it on. */
export function usableNodePort(
  spec: V1ServiceSpec | undefined,
  family: string,
  targets: readonly NodePortTarget[],
): number | Verdict {
  const nodePort = spec?.ports?.[0]?.nodePort;
  if (nodePort && targets.length > 0) return nodePort;
  return fail(
    'a NodePort allocated and a worker InternalIP to reach it on',
    `nodePort ${nodePort ?? 'none'}, worker ${family} InternalIPs: ${targets.length}`,
    { service: spec },
  );
}

/** ra2.k8s.017: the client's last attempt on the NodePort of each sampled worker. */
export function judgeNodePortReach(
  nodePort: number,
  attempts: readonly (ConnectAttempt & { node: string })[],
  sample?: string,
): Verdict {
  const evidence = { nodePort, attempts, ...(sample ? { sample } : {}) };
  const unreachable = attempts.filter((a) => !a.reachable);
  return unreachable.length === 0
    ? pass(
        `the server answered on nodePort ${nodePort} of ${attempts.map((a) => `${a.node} (${a.target})`).join(', ')}`,
        evidence,
      )
    : fail(
        `the server reachable on nodePort ${nodePort} of every worker tried`,
        unreachable.map((a) => `${a.node} ${a.target}: ${a.detail}`).join('; '),
        evidence,
      );
}

/** ra2.k8s.018: nslookup's output names `backend` as the canonical name of the alias. */
export function resolvesAsCname(nslookupStdout: string, backend: string): boolean {
  return nslookupStdout.toLowerCase().includes(`canonical name = ${backend}`);
}

/**
 * ra2.k8s.018: the failed verdict when nslookup's last answer for the alias
 * does not name the backend as its canonical name; undefined when it does.
 */
export function externalNameUnresolved(
  alias: string,
  backend: string,
  last: { stdout: string; stderr: string },
): Verdict | undefined {
  if (resolvesAsCname(last.stdout, backend)) return undefined;
  return fail(
    `${alias} to resolve as a CNAME of ${backend}`,
    (last.stdout + last.stderr).trim().slice(0, 300),
    nslookupEvidence(backend, last.stdout),
  );
}

export function nslookupEvidence(backend: string, stdout: string): Record<string, unknown> {
  return { externalName: backend, nslookup: stdout.trim().split('\n').slice(-6) };
}

/** ra2.k8s.018: the server answers "server" (its pod name) through the alias. */
export function answeredByServer(attempt: HttpAttempt): boolean {
  return attempt.status === 200 && attempt.body === 'server';
}

/** ra2.k8s.018: the HTTP GET through the alias, once it resolved. */
export function judgeExternalNameHttp(
  alias: string,
  backend: string,
  url: string,
  last: HttpAttempt,
  evidence: Record<string, unknown>,
): Verdict {
  return answeredByServer(last)
    ? pass(`${alias} is a CNAME of ${backend}; the client reached the backend through it`, evidence)
    : fail(
        `GET ${url} to answer 200 "server" through the ExternalName service`,
        `status ${last.status}, body "${last.body}", ${last.detail}`,
        evidence,
      );
}
