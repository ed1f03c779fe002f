/**
 * Transient API errors are retried before anything is judged: a 429, a 5xx
 * or a dropped connection says nothing about the cluster's conformance. The
 * retry is bounded (a few attempts within a few seconds) and is built on the
 * one polling loop (`poll`), so a wait never hides a lasting outage.
 */
import { ApiException } from '@kubernetes/client-node';
import { poll, StopPolling } from './wait.js';

export interface RetryOptions {
  /** A read may be repeated after any transient error; a write only when it surely was not done. */
  idempotent: boolean;
  /** Attempts in all, the first included; 4 unless said. */
  attempts?: number;
  /** Between two attempts; 1 s unless said. */
  delayMs?: number;
  /** The whole retry, attempts and delays; 10 s unless said. */
  budgetMs?: number;
  signal?: AbortSignal;
}

export const RETRY_ATTEMPTS = 4;
export const RETRY_DELAY_MS = 1_000;
export const RETRY_BUDGET_MS = 10_000;

/** Codes of a connection that broke or timed out, found on the error or its causes. */
const droppedConnection = new Set([
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function causes(err: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = err; current && chain.length < 5;) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

function isDroppedConnection(err: unknown): boolean {
  return causes(err).some((e) => {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && droppedConnection.has(code)) return true;
    return e instanceof Error && /socket hang up/i.test(e.message);
  });
}

/**
 * Whether a failed call may be tried again. 429 and 503 mean the API server
 * did not act on the request, so any call may be repeated; other 5xx answers
 * and dropped connections leave a write's effect unknown, so only reads are.
 */
export function isTransient(err: unknown, idempotent: boolean): boolean {
  if (err instanceof ApiException) {
    const code = (err as ApiException<unknown>).code;
    if (code === 429 || code === 503) return true;
    return idempotent && code >= 500 && code <= 599;
  }
  return idempotent && isDroppedConnection(err);
}

/** Carries a final error out of `poll`, which retries every other error. */
class GiveUp extends StopPolling {
  constructor(readonly error: unknown) {
    super('giving up');
  }
}

/** Runs `call`, retrying transient errors (isTransient) a bounded number of times. */
export async function withRetry<T>(call: () => Promise<T>, options: RetryOptions): Promise<T> {
  const attempts = options.attempts ?? RETRY_ATTEMPTS;
  let attempt = 0;
  const once = async (): Promise<T> => {
    attempt++;
    try {
      return await call();
    } catch (err) {
      if (attempt >= attempts || !isTransient(err, options.idempotent)) throw new GiveUp(err);
      throw err;
    }
  };
  try {
    const result = await poll('a transient API error to pass', once, () => true, {
      timeoutMs: options.budgetMs ?? RETRY_BUDGET_MS,
      intervalMs: options.delayMs ?? RETRY_DELAY_MS,
      signal: options.signal,
    });
    if (result.done) return result.last as T;
    throw result.lastError;
  } catch (err) {
    throw err instanceof GiveUp ? err.error : err;
  }
}

/** Client methods that only read: repeating them is always safe. */
export function isReadMethod(name: string): boolean {
  return /^(read|list|get|connectGet)/.test(name);
}

/**
 * The API client with every asynchronous method retried (withRetry): reads
 * after any transient error, writes only after a 429 or 503. Synchronous
 * methods (setDefaultNamespace, ...) are passed through untouched.
 */
export function retrying<T extends object>(client: T, options: Partial<RetryOptions> = {}): T {
  return new Proxy(client, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]): unknown => {
        const first = method.apply(target, args);
        if (!(first instanceof Promise)) return first;
        first.catch(() => {}); // withRetry consumes it; this only keeps an early abort quiet
        let calls = 0;
        const again = () =>
          calls++ === 0
            ? (first as Promise<unknown>)
            : (method.apply(target, args) as Promise<unknown>);
        return withRetry(again, { ...options, idempotent: isReadMethod(property) });
      };
    },
  });
}
