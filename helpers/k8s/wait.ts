/**
 * The one polling loop of the code base, the e2e-framework way: log "Waiting
 * up to ...", poll a getter, test a named condition, and keep the last thing
 * seen so that a timeout explains itself. `poll` returns the last observation
 * whether or not the condition held; `waitFor` throws on timeout.
 */
import { formatDuration } from './duration.js';
import { StopPolling } from './stop-polling.js';

export { StopPolling };

export interface PollOptions {
  timeoutMs: number;
  /** Between two polls; 1 s unless said. */
  intervalMs?: number;
  log?: (line: string) => void;
  /** Aborting ends the wait at once with the signal's reason. */
  signal?: AbortSignal;
  /** Stop (not done) after this many polls, even before the deadline. */
  maxPolls?: number;
}

export interface PollResult<T> {
  /** The condition held. */
  done: boolean;
  /** The last value the getter returned (undefined if it never returned). */
  last: T | undefined;
  /** The last error the getter or the condition threw, if the last poll threw. */
  lastError?: unknown;
  polls: number;
  elapsedMs: number;
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
 * Polls `get` until `done(value)` holds or the deadline passes. Errors from
 * `get` are remembered and retried (the object may not exist yet); a
 * StopPolling thrown by `get` or `done` ends the wait and is rethrown.
 */
export async function poll<T>(
  description: string,
  get: () => Promise<T>,
  done: (value: T) => boolean,
  options: PollOptions,
): Promise<PollResult<T>> {
  options.log?.(`Waiting up to ${formatDuration(options.timeoutMs)} for ${description}`);
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const intervalMs = options.intervalMs ?? 1_000;
  let last: T | undefined;
  let lastError: unknown;
  let polls = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    polls++;
    try {
      last = await get();
      lastError = undefined;
      if (done(last)) return { done: true, last, polls, elapsedMs: Date.now() - started };
    } catch (err) {
      if (err instanceof StopPolling) throw err;
      lastError = err;
    }
    if (Date.now() >= deadline || polls >= (options.maxPolls ?? Infinity))
      return { done: false, last, lastError, polls, elapsedMs: Date.now() - started };
    await sleep(Math.min(intervalMs, Math.max(0, deadline - Date.now())), options.signal);
  }
}

/** `poll` that returns the value the condition accepted and throws WaitTimeoutError otherwise. */
export async function waitFor<T>(
  description: string,
  get: () => Promise<T>,
  done: (value: T) => boolean,
  options: PollOptions,
): Promise<T> {
  const result = await poll(description, get, done, options);
  if (result.done) return result.last as T;
  throw new WaitTimeoutError(
    description,
    options.timeoutMs,
    result.lastError !== undefined ? result.lastError : result.last,
  );
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
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
