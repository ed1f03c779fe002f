/**
 * Polling with a deadline, the e2e-framework way: log "Waiting up to ...",
 * poll a getter, test a named condition, and on timeout report the last
 * object seen so a failure explains itself.
 */
import { formatDuration } from './duration.js';

export interface WaitOptions {
  timeoutMs: number;
  intervalMs: number;
  log: (line: string) => void;
  signal?: AbortSignal;
}

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
  constructor(
    description: string,
    timeoutMs: number,
    /** The last value the getter returned, or the last error it threw. */
    readonly lastSeen: unknown,
  ) {
    super(`timed out after ${formatDuration(timeoutMs)} waiting for ${description}`);
  }
}

/**
 * Polls `get` until `done(value)` holds and returns that value. Errors from
 * `get` are remembered and retried (the object may not exist yet).
 */
export async function waitFor<T>(
  description: string,
  get: () => Promise<T>,
  done: (value: T) => boolean,
  options: WaitOptions,
): Promise<T> {
  options.log(`Waiting up to ${formatDuration(options.timeoutMs)} for ${description}`);
  const deadline = Date.now() + options.timeoutMs;
  let lastSeen: unknown;
  for (;;) {
    options.signal?.throwIfAborted();
    try {
      const value = await get();
      lastSeen = value;
      if (done(value)) return value;
    } catch (err) {
      lastSeen = err;
    }
    if (Date.now() >= deadline)
      throw new WaitTimeoutError(description, options.timeoutMs, lastSeen);
    await sleep(Math.min(options.intervalMs, Math.max(0, deadline - Date.now())), options.signal);
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
