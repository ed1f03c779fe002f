/**
 * Every limit the end-to-end tests use, in one place (milliseconds). The CLI's
 * own per-check limits live in helpers/timeouts.ts; these bound whole runs.
 */
export const e2eTimeouts = {
  /** A full `ra2 run` of every catalog row against the basic cluster. */
  fullRun: 20 * 60_000,
  /** A run focused on one or two checks. */
  focusedRun: 8 * 60_000,
  /** A run that must stop at preflight (bad kubeconfig, no permissions, no server). */
  environmentError: 90_000,
  /** Until a spawned run has created its first check namespace. */
  firstNamespace: 3 * 60_000,
  /** From SIGTERM until the CLI has cleaned up and exited. */
  interruptedExit: 3 * 60_000,
  /** Until deleted namespaces (and their contents) are gone from the API. */
  noLeftovers: 2 * 60_000,
  /** Until other live runs on the shared cluster finish, before a test changes shared state. */
  otherRuns: 20 * 60_000,
  /** Creating, changing or deleting a fixture object by the tests themselves. */
  fixture: 60_000,
  /** Between two polls. */
  poll: 1_000,
  /** Mocha's limit for hooks that only talk to the API. */
  hook: 3 * 60_000,
} as const;

/** Mocha's limit for a test that waits for `ms`, with room for its own set-up. */
export function withMargin(ms: number): number {
  return ms + 60_000;
}
