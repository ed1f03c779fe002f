/**
 * Where both entry points hear SIGINT and SIGTERM: the process, or a fake in
 * tests. Both stop the runner the same way, with a RunInterrupted whose cause
 * is "signal", so the CLI and the plugin report the same rows the same way.
 */
import { RunInterrupted } from '../helpers/framework/runner.js';

export interface ProcessEvents {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Calls `onSignal` with the signal's name for each SIGINT/SIGTERM; returns the unsubscribe. */
export function onStopSignals(
  events: ProcessEvents,
  onSignal: (signal: string) => void,
): () => void {
  const listener = (...args: unknown[]) =>
    onSignal(typeof args[0] === 'string' ? args[0] : 'signal');
  for (const signal of STOP_SIGNALS) events.on(signal, listener);
  return () => {
    for (const signal of STOP_SIGNALS) events.removeListener(signal, listener);
  };
}

/** The abort reason both entry points give the runner for a signal: "SIGTERM received". */
export function signalInterruption(signal: string): RunInterrupted {
  return new RunInterrupted({ cause: 'signal', detail: `${signal} received` });
}
