/**
 * Servers and clients for data-path probes, all from the probe image: an
 * agnhost netexec HTTP server (GET /hostname answers the pod's name) and
 * client-side attempts made by exec in a sleeper pod. Attempts observe and
 * return what happened; suites decide what that means.
 */
import { isIPv6 } from 'node:net';
import type { V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { AGNHOST } from './agnhost.js';
import { formatDuration } from '../k8s/duration.js';
import { sleep } from '../k8s/wait.js';
import { restrictedPod, type PodJig } from './pod.js';

export const serverRoleLabel = 'ra2.anuket.io/role';

/** A restricted pod serving HTTP on `port` with agnhost netexec, carrying `labels`. */
export function netexecServerPod(
  ctx: CheckContext,
  name: string,
  labels: Record<string, string>,
  port: number,
): V1Pod {
  const pod = restrictedPod(ctx, name, []);
  const container = pod.spec!.containers[0]!;
  delete container.command;
  container.args = ['netexec', `--http-port=${port}`, '--udp-port=-1'];
  container.ports = [{ name: 'http', containerPort: port, protocol: 'TCP' }];
  container.readinessProbe = { tcpSocket: { port }, periodSeconds: 1, failureThreshold: 3 };
  pod.metadata!.labels = { ...pod.metadata!.labels, ...labels };
  return pod;
}

/** "10.0.0.1", 80 -> "10.0.0.1:80"; IPv6 gets brackets; names stay as they are. */
export function hostPort(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

export interface ConnectAttempt {
  from: string;
  target: string;
  reachable: boolean;
  exitCode: number;
  detail: string;
}

/** One TCP connection attempt from pod `from` to `host:port`. */
export async function tryConnect(
  jig: PodJig,
  from: string,
  host: string,
  port: number,
  timeoutSeconds = 3,
): Promise<ConnectAttempt> {
  const target = hostPort(host, port);
  const result = await jig.exec(from, [AGNHOST, 'connect', `--timeout=${timeoutSeconds}s`, target]);
  return {
    from,
    target,
    reachable: result.exitCode === 0,
    exitCode: result.exitCode,
    detail: (result.stderr.trim() || result.stdout.trim()).slice(0, 200),
  };
}

export interface HttpAttempt {
  from: string;
  url: string;
  host?: string;
  /** HTTP status code; 0 when no answer came. */
  status: number;
  body: string;
  detail: string;
}

/** One HTTP GET with curl from pod `from`, optionally with a Host header. */
export async function tryHttpGet(
  jig: PodJig,
  from: string,
  url: string,
  options: { host?: string; timeoutSeconds?: number } = {},
): Promise<HttpAttempt> {
  const marker = '\n--ra2-status:';
  const command = [
    'curl',
    '-sS',
    '-g',
    '--max-time',
    String(options.timeoutSeconds ?? 5),
    '-w',
    `${marker}%{http_code}`,
  ];
  if (options.host) command.push('-H', `Host: ${options.host}`);
  command.push(url);
  const result = await jig.exec(from, command);
  const at = result.stdout.lastIndexOf(marker);
  const status = at >= 0 ? Number.parseInt(result.stdout.slice(at + marker.length), 10) || 0 : 0;
  return {
    from,
    url,
    host: options.host,
    status,
    body: (at >= 0 ? result.stdout.slice(0, at) : result.stdout).trim().slice(0, 200),
    detail: result.stderr.trim().slice(0, 200) || `curl exit ${result.exitCode}`,
  };
}

/**
 * Repeats `attempt` until `ok` holds or `timeoutMs` passes (the data path may
 * lag the API: endpoints, proxies, load balancers). Returns the last attempt.
 */
export async function attemptUntil<T>(
  ctx: CheckContext,
  description: string,
  attempt: () => Promise<T>,
  ok: (result: T) => boolean,
  timeoutMs: number,
): Promise<{ ok: boolean; last: T; attempts: number }> {
  ctx.log(`Waiting up to ${formatDuration(timeoutMs)} for ${description}`);
  const deadline = Date.now() + timeoutMs;
  for (let attempts = 1; ; attempts++) {
    ctx.signal.throwIfAborted();
    const last = await attempt();
    if (ok(last)) return { ok: true, last, attempts };
    if (Date.now() >= deadline) return { ok: false, last, attempts };
    await sleep(ctx.timeouts.pollInterval, ctx.signal);
  }
}
