/**
 * Errors the CLI reports as one line with exit code 2: the user's input or
 * environment is wrong, not the cluster's conformance.
 */
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
