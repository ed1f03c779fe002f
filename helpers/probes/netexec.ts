/**
 * Servers and clients for data-path probes, all from the probe image: an
 * agnhost netexec HTTP server (GET /hostname answers the pod's name) and
 * client-side attempts made by exec in a sleeper pod. Attempts observe and
 * return what happened; suites decide what that means.
 *
 * A connection attempt has three outcomes (issue 12): the server was reached;
 * the network refused or dropped the connection (blocked); or nothing was
 * learnt about the network (the exec failed, the probe pod was not ready,
 * agnhost never tried). Only the first two say anything about a policy.
 */
import { isIPv6 } from 'node:net';
import type { V1Pod } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { oneLine } from '../k8s/errors.js';
import { execReadOnly } from '../k8s/exec.js';
import type { Pods } from '../k8s/namespace-handle.js';
import { poll } from '../k8s/wait.js';
import { AGNHOST } from './agnhost.js';
import { restrictedPod } from './pod.js';
import { containerOf } from './tweaks.js';

/** What an attempt needs: exec in a client pod (the namespace handle's pods). */
export type PodExec = Pick<Pods, 'exec'>;

/** A restricted pod serving HTTP on `port` with agnhost netexec, carrying `labels`. */
export function netexecServerPod(
  ctx: CheckContext,
  name: string,
  labels: Record<string, string>,
  port: number,
): V1Pod {
  const pod = restrictedPod(ctx, name, []);
  const container = containerOf(pod);
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

/** What one connection attempt showed. */
export type ConnectOutcome = 'reached' | 'blocked' | 'not-observed';

/**
 * Classifies `agnhost connect`: it exits 0 on a connection and 1 otherwise,
 * its stderr starting with TIMEOUT, REFUSED or OTHER (a network error such as
 * "no route to host") when the network said no, and with DNS or UNKNOWN when
 * it never tried to connect. Any other exit (no status, command not found,
 * killed) tells nothing about the network either.
 */
export function connectOutcome(exitCode: number, stderr: string): ConnectOutcome {
  if (exitCode === 0) return 'reached';
  const networkSaidNo = /^(TIMEOUT|REFUSED|OTHER)\b/m.test(stderr.trim());
  return exitCode === 1 && networkSaidNo ? 'blocked' : 'not-observed';
}

export interface ConnectAttempt {
  from: string;
  target: string;
  /** Same as outcome === 'reached'. */
  reachable: boolean;
  outcome: ConnectOutcome;
  /** agnhost's exit code; -1 when the exec itself failed. */
  exitCode: number;
  detail: string;
}

/** The attempt agnhost connect's exit code and stderr describe; `shown` is what the report keeps. */
function attemptOf(
  from: string,
  target: string,
  exitCode: number,
  stderr: string,
  shown = stderr,
): ConnectAttempt {
  const outcome = connectOutcome(exitCode, stderr);
  const detail = shown.trim().slice(0, 200);
  return { from, target, reachable: outcome === 'reached', outcome, exitCode, detail };
}

/** An attempt that learnt nothing about the network (the exec failed, no report came). */
function unobserved(from: string, target: string, why: string): ConnectAttempt {
  const detail = why.slice(0, 200);
  return { from, target, reachable: false, outcome: 'not-observed', exitCode: -1, detail };
}

/** One TCP connection attempt from pod `from` to `host:port`; a failing exec throws. */
export async function tryConnect(
  pods: PodExec,
  from: string,
  host: string,
  port: number,
  timeoutSeconds = 3,
): Promise<ConnectAttempt> {
  const target = hostPort(host, port);
  const result = await execReadOnly(() =>
    pods.exec(from, [AGNHOST, 'connect', `--timeout=${timeoutSeconds}s`, target]),
  );
  const shown = result.stderr.trim() || result.stdout;
  return attemptOf(from, target, result.exitCode, result.stderr, shown);
}

/** `tryConnect` where a failing exec (API error, pod not ready) is the outcome "not-observed". */
export async function observeConnect(
  pods: PodExec,
  from: string,
  host: string,
  port: number,
): Promise<ConnectAttempt> {
  try {
    return await tryConnect(pods, from, host, port);
  } catch (err) {
    return unobserved(from, hostPort(host, port), `exec failed: ${oneLine(err)}`);
  }
}

/** Where one attempt of a batch goes: the target as agnhost takes it. */
export interface ConnectTarget {
  host: string;
  port: number;
}

/**
 * The shell of a batch: every target (one per argument) is tried at once, and
 * each attempt prints one line "ra2-connect <index> <exit code> <output>" (its
 * output on that line, so lines from attempts that end together stay whole).
 */
function connectBatchScript(timeoutSeconds: number): string {
  const attempt =
    `out=$(${AGNHOST} connect --timeout=${timeoutSeconds}s "$t" 2>&1); rc=$?; ` +
    'printf "ra2-connect %s %s %s\\n" "$i" "$rc" "$(printf %s "$out" | tr "\\n" " ")"';
  // One line, so that the exec's log line stays one line too.
  return `i=0; for t in "$@"; do (${attempt}) & i=$((i + 1)); done; wait`;
}

/** One attempt's line of a batch report: its exit code and what agnhost printed. */
export interface BatchLine {
  exitCode: number;
  output: string;
}

/** The lines of a batch report by target index; a target with no line is missing. */
export function parseConnectBatch(stdout: string): Map<number, BatchLine> {
  const lines = new Map<number, BatchLine>();
  for (const line of stdout.split('\n')) {
    const m = /^ra2-connect (\d+) (\d+) ?(.*)$/.exec(line);
    if (m) lines.set(Number(m[1]), { exitCode: Number(m[2]), output: m[3]!.trim() });
  }
  return lines;
}

/**
 * One exec in pod `from` that tries every target at once, so a pass over many
 * targets costs one exec channel (API server, kubelet, runtime) instead of one
 * per target: under load that channel, not the connect, is what takes the time.
 * The exec failing, or a target without its line, is "not-observed" for it.
 */
export async function observeConnects(
  pods: PodExec,
  from: string,
  targets: readonly ConnectTarget[],
  timeoutSeconds = 3,
): Promise<ConnectAttempt[]> {
  const addresses = targets.map((t) => hostPort(t.host, t.port));
  let report: Map<number, BatchLine>;
  try {
    const script = connectBatchScript(timeoutSeconds);
    const result = await execReadOnly(() =>
      pods.exec(from, ['sh', '-c', script, 'ra2-connect', ...addresses]),
    );
    report = parseConnectBatch(result.stdout);
    if (report.size === 0) {
      const why = result.stderr.trim() || `shell exit ${result.exitCode}`;
      return addresses.map((t) => unobserved(from, t, `no attempt reported: ${why}`));
    }
  } catch (err) {
    return addresses.map((t) => unobserved(from, t, `exec failed: ${oneLine(err)}`));
  }
  return addresses.map((target, i) => {
    const line = report.get(i);
    if (line === undefined)
      return unobserved(from, target, 'no line for this target in the report');
    return attemptOf(from, target, line.exitCode, line.output);
  });
}

/**
 * Blocked is believed after this many blocked attempts in a row (a few seconds
 * at the poll interval): one dropped packet or a slow node is not a policy.
 */
export const BLOCKED_IN_A_ROW = 3;

/**
 * Where a path stands after its attempts so far: reached after one success;
 * blocked after `needed` blocked attempts in a row (fewer is "unconfirmed");
 * not-observed when the latest attempt learnt nothing. An attempt that learnt
 * nothing breaks a run of blocked ones.
 */
export type Connectivity = 'reached' | 'blocked' | 'unconfirmed' | 'not-observed';

export function connectivityOf(
  outcomes: readonly ConnectOutcome[],
  needed = BLOCKED_IN_A_ROW,
): Connectivity {
  const latest = outcomes.at(-1);
  if (latest === undefined || latest === 'not-observed') return 'not-observed';
  if (latest === 'reached') return 'reached';
  const lastOther = outcomes.findLastIndex((o) => o !== 'blocked');
  return outcomes.length - 1 - lastOther >= needed ? 'blocked' : 'unconfirmed';
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
  pods: PodExec,
  from: string,
  url: string,
  options: { host?: string; timeoutSeconds?: number } = {},
): Promise<HttpAttempt> {
  const marker = '\n--ra2-status:';
  const timeout = String(options.timeoutSeconds ?? 5);
  const command = ['curl', '-sS', '-g', '--max-time', timeout, '-w', `${marker}%{http_code}`];
  if (options.host) command.push('-H', `Host: ${options.host}`);
  command.push(url);
  const result = await execReadOnly(() => pods.exec(from, command));
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
 * lag the API: endpoints, proxies, load balancers), on the one polling loop.
 * Returns the last attempt; an attempt that threw is retried, and if the last
 * one threw the error is rethrown: nothing was observed at the deadline.
 */
export async function attemptUntil<T>(
  ctx: CheckContext,
  description: string,
  attempt: () => Promise<T>,
  ok: (result: T) => boolean,
  timeoutMs: number,
  intervalMs = ctx.timeouts.pollInterval,
): Promise<{ ok: boolean; last: T; attempts: number; elapsedMs: number }> {
  const polled = await poll(description, attempt, ok, {
    timeoutMs,
    intervalMs,
    log: (line) => ctx.log(line),
    signal: ctx.signal,
  });
  if (polled.lastError !== undefined) throw asError(polled.lastError);
  if (polled.last === undefined)
    throw new Error(`no attempt ended while waiting for ${description}`);
  return {
    ok: polled.done,
    last: polled.last,
    attempts: polled.polls,
    elapsedMs: polled.elapsedMs,
  };
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
