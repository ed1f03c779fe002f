/**
 * Errors that say the user's input or environment is wrong, not the cluster's
 * conformance. UsageError and EnvironmentError end a run: the CLI reports them
 * as one line with exit code 2. PodEnvironmentError ends one check as `error`.
 */
import { StopPolling } from './stop-polling.js';

export class UsageError extends Error {
  override name = 'UsageError';
}

export class EnvironmentError extends Error {
  override name = 'EnvironmentError';
}

/** First line of an error's message, without a stack. */
export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return (text.split('\n')[0] ?? '').trim() || (err instanceof Error ? err.name : 'unknown error');
}

/**
 * A pod the kubelet cannot start for a reason of the platform, not of the
 * check (its image cannot be pulled, its config cannot be built). Extends
 * StopPolling so that any wait on the pod ends at once, and is never turned
 * into a "did not start" observation: the runner records the row as `error`.
 */
export class PodEnvironmentError extends StopPolling {
  override name = 'PodEnvironmentError';
  constructor(
    readonly pod: string,
    /** The kubelet's reason: ErrImagePull, ImagePullBackOff, ... */
    readonly reason: string,
    /** The kubelet's message, on one line. */
    readonly detail: string,
    readonly image?: string,
    readonly node?: string,
  ) {
    super(
      `pod ${pod} cannot start${node ? ` on node ${node}` : ''}: ${reason}${detail ? `: ${detail}` : ''}`,
    );
  }
}
