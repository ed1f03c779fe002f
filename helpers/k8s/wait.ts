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
  /**
   * Whether the interval starts when a poll ends (true, the default) or when it starts
   * (false: apimachinery's JitterUntil with sliding=false). A getter that itself waits,
   * such as connect attempts that time out, polls again at once when it took the interval.
   */
  sliding?: boolean;
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
  let last: T | undefined;
  let lastError: unknown;
  let polls = 0;
  for (;;) {
    options.signal?.throwIfAborted();
    polls++;
    const pollStarted = Date.now();
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
    await sleep(pauseAfterPoll(options, pollStarted, Date.now(), deadline), options.signal);
  }
}

/** How long `poll` sleeps after a poll that started at `pollStarted` and ended at `now`. */
export function pauseAfterPoll(
  options: Pick<PollOptions, 'intervalMs' | 'sliding'>,
  pollStarted: number,
  now: number,
  deadline: number,
): number {
  const intervalMs = options.intervalMs ?? 1_000;
  const pause = options.sliding === false ? intervalMs - (now - pollStarted) : intervalMs;
  return Math.max(0, Math.min(pause, deadline - now));
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
