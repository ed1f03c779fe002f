/** Running a command in a container over the exec websocket, capturing everything. */
import { Writable } from 'node:stream';
import { Exec, type KubeConfig, type V1Status } from '@kubernetes/client-node';
import { formatDuration } from './duration.js';

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** 0 on success; the process's exit code; -1 when the status gave none. */
  exitCode: number;
}

interface SocketLike {
  close(): void;
  on(event: 'close', listener: () => void): unknown;
}

export interface ExecTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** The exit code a V1Status from the exec channel reports. */
export function exitCodeOf(status: V1Status): number {
  if (status.status === 'Success') return 0;
  const cause = status.details?.causes?.find((c) => c.reason === 'ExitCode');
  const code = cause?.message !== undefined ? Number.parseInt(cause.message, 10) : NaN;
  return Number.isNaN(code) ? -1 : code;
}

function collector(chunks: Buffer[]): Writable {
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  });
}

/** The websocket upgrade was refused: the command never started, so trying again is safe. */
class ExecNotStarted extends Error {}

/** The exec gave no status before its deadline (the command may or may not have run). */
export class ExecTimedOut extends Error {}

/**
 * Runs a read-only exec once more when the first one stalled past its
 * deadline. Under load the exec channel can stall in the API server or the
 * kubelet while the command itself (a 3-second connect) ended long before:
 * that is the suite's wait, not the cluster's answer. Only for commands that
 * change nothing, since the first may have run.
 */
export async function execReadOnly(run: () => Promise<ExecResult>): Promise<ExecResult> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof ExecTimedOut)) throw err;
    return run();
  }
}

/** Attempts at opening the exec channel, and the pause between two. */
export const EXEC_OPEN_ATTEMPTS = 3;
const EXEC_OPEN_PAUSE_MS = 2_000;

/**
 * Runs `command` in the container. An upgrade the API server or the kubelet
 * refuses (a kubelet whose authorization webhook times out under load answers
 * 403) is tried again a few times before the error names the pod and the answer.
 */
export async function execInContainer(
  kc: KubeConfig,
  target: ExecTarget,
  command: string[],
  timeoutMs: number,
): Promise<ExecResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await execOnce(kc, target, command, timeoutMs);
    } catch (err) {
      if (!(err instanceof ExecNotStarted)) throw err;
      if (attempt >= EXEC_OPEN_ATTEMPTS)
        throw new Error(
          `exec into ${target.namespace}/${target.pod} was refused ${attempt} times: ${err.message}`,
          { cause: err },
        );
      await new Promise((resolve) => setTimeout(resolve, EXEC_OPEN_PAUSE_MS));
    }
  }
}

function execOnce(
  kc: KubeConfig,
  target: ExecTarget,
  command: string[],
  timeoutMs: number,
): Promise<ExecResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  return new Promise<ExecResult>((resolve, reject) => {
    let settled = false;
    let socket: { close(): void } | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      socket?.close();
      finish(() =>
        reject(
          new ExecTimedOut(
            `exec of ${JSON.stringify(command)} in ${target.pod} timed out after ${formatDuration(timeoutMs)}`,
          ),
        ),
      );
    }, timeoutMs);
    new Exec(kc)
      .exec(
        target.namespace,
        target.pod,
        target.container,
        command,
        collector(out),
        collector(err),
        null,
        false,
        (status) => {
          // Give the streams a tick to flush their last chunks.
          setImmediate(() =>
            finish(() =>
              resolve({
                stdout: Buffer.concat(out).toString('utf8'),
                stderr: Buffer.concat(err).toString('utf8'),
                exitCode: exitCodeOf(status),
              }),
            ),
          );
        },
      )
      .then((opened: unknown) => {
        // isomorphic-ws's types do not resolve under NodeNext; we use two methods of it.
        const ws = opened as SocketLike;
        socket = ws;
        ws.on('close', () =>
          setImmediate(() =>
            finish(() => reject(new Error(`exec in ${target.pod} closed without a status`))),
          ),
        );
      })
      .catch((e: unknown) =>
        finish(() => reject(new ExecNotStarted(e instanceof Error ? e.message : String(e)))),
      );
  });
}
