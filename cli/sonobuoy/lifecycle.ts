/**
 * The plugin's ways out other than a finished run: SIGTERM/SIGINT, a runner
 * that did not stop in time after the deadline, and a crash. Each one writes
 * the results so far (once) and settles `forced` with the exit code, so the
 * entry point never waits on a runner that will not return.
 */
import {
  deadlineInterruption,
  type RunDeadline,
} from '../../helpers/framework/runner.js';
import type { Interruption } from '../../helpers/framework/result.js';
import { formatDuration } from '../../helpers/k8s/duration.js';
import { oneLine } from '../../helpers/k8s/errors.js';
import { onStopSignals, signalInterruption, type ProcessEvents } from '../signals.js';

/** After the deadline, time the runner gets to stop its check and clean up before we write anyway. */
export const DEADLINE_GRACE_MS = 2 * 60_000;
/** After SIGTERM, within Kubernetes' default 30s termination grace. */
export const SIGNAL_GRACE_MS = 15_000;

export const EXIT_WRITTEN = 0;
export const EXIT_CRASHED = 1;
export const EXIT_STOPPED = 2;

export interface LifecycleOptions {
  events: ProcessEvents;
  warn(line: string): void;
  /** Writes the results known so far; called at most the first time it matters. */
  writeNow(): void;
  /** The runner stops itself at the deadline; this is the backstop after its grace. */
  deadline: RunDeadline;
  deadlineGraceMs?: number;
  signalGraceMs?: number;
}

export class PluginLifecycle {
  /** Why the plugin stopped early, as far as it saw it itself. */
  stop?: Interruption;
  /** Settles with the exit code when the results were written without the runner. */
  readonly forced: Promise<number>;
  private readonly controller = new AbortController();
  private readonly timers: NodeJS.Timeout[] = [];
  private settle: (code: number) => void = () => {};
  private readonly unsubscribe: () => void;
  private readonly onCrash = (...args: unknown[]) => this.crashed(args[0]);

  constructor(private readonly options: LifecycleOptions) {
    this.forced = new Promise<number>((resolve) => (this.settle = resolve));
    this.unsubscribe = onStopSignals(options.events, (signal) => this.signalled(signal));
    options.events.on('uncaughtException', this.onCrash);
    options.events.on('unhandledRejection', this.onCrash);
    const graceMs = options.deadlineGraceMs ?? DEADLINE_GRACE_MS;
    this.later(options.deadline.ms + graceMs, () => {
      this.options.warn(
        `the runner did not stop within ${formatDuration(graceMs)} of the deadline; writing the results so far`,
      );
      this.writeAndExit(deadlineInterruption(options.deadline), EXIT_WRITTEN);
    });
  }

  /** The runner's signal: aborted on the first SIGTERM/SIGINT. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Records a stop the entry point saw (an environment error, a crash), unless one is known. */
  note(stop: Interruption): void {
    this.stop ??= stop;
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.unsubscribe();
    this.options.events.removeListener('uncaughtException', this.onCrash);
    this.options.events.removeListener('unhandledRejection', this.onCrash);
  }

  private signalled(signal: string): void {
    // A second signal: no more patience.
    if (this.stop?.cause === 'signal') return this.writeAndExit(this.stop, EXIT_STOPPED);
    const reason = signalInterruption(signal);
    this.stop = reason.interruption;
    const graceMs = this.options.signalGraceMs ?? SIGNAL_GRACE_MS;
    this.options.warn(
      `${reason.message}; stopping the checks (results are written within ${formatDuration(graceMs)})`,
    );
    this.controller.abort(reason);
    this.later(graceMs, () => {
      this.options.warn(
        `the runner did not stop within ${formatDuration(graceMs)}; writing the results so far`,
      );
      this.writeAndExit(reason.interruption, EXIT_STOPPED);
    });
  }

  private crashed(err: unknown): void {
    this.options.warn(`crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    this.writeAndExit({ cause: 'crash', detail: `crashed: ${oneLine(err)}` }, EXIT_CRASHED);
  }

  private writeAndExit(stop: Interruption, code: number): void {
    this.note(stop);
    this.options.writeNow();
    this.settle(code);
  }

  private later(ms: number, run: () => void): void {
    this.timers.push(setTimeout(run, ms));
  }
}
