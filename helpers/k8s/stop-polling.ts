/**
 * The error that ends a wait at once. Its own module because errors.ts
 * subclasses it and wait.ts (through duration.ts) imports errors.ts: with the
 * class in wait.ts the three formed an import cycle that broke whichever of
 * them a program loaded first.
 */

/** A condition that knows it can never hold ends the wait with this error. */
export class StopPolling extends Error {
  override name = 'StopPolling';
}
