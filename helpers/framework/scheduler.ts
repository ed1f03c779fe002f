/**
 * When each check starts: up to `bound` at once, in the order given (the
 * runner's startOrder: long waits first, then catalog order), but a check
 * that must run alone (disruptive, or exclusive: it changes state the others
 * share) waits until every running check has ended, and nothing else starts
 * until it ends. Starting strictly in order keeps the run predictable: a
 * check that runs alone is never overtaken or starved, and an interruption
 * leaves the rows after the last started one "not run", as in a serial run.
 */

/** The default number of checks run at once (docs/benchmarks.md has the measurements). */
export const DEFAULT_PARALLEL = 6;

export interface Schedule {
  /** How many jobs, indexed 0..count-1 in the order they start. */
  count: number;
  /** At most this many run at once (at least 1). */
  bound: number;
  /** Job `index` must run with nothing beside it (asked when it is next to start). */
  alone(index: number): boolean;
  /** Runs job `index`. A rejection stops the schedule: nothing more starts, and it is rethrown after the running jobs end. */
  run(index: number): Promise<void>;
}

export function runScheduled(schedule: Schedule): Promise<void> {
  const bound = Math.max(1, Math.floor(schedule.bound));
  let next = 0;
  let running = 0;
  let aloneRunning = false;
  let failure: { error: unknown } | undefined;

  return new Promise<void>((resolve, reject) => {
    const settleIfDone = () => {
      if (running > 0) return;
      if (failure)
        reject(failure.error instanceof Error ? failure.error : new Error(String(failure.error)));
      else if (next >= schedule.count) resolve();
    };
    const startWhatMay = () => {
      while (!failure && next < schedule.count && !aloneRunning && running < bound) {
        const index = next;
        const alone = schedule.alone(index);
        if (alone && running > 0) break; // drain first; start nothing else meanwhile
        next++;
        running++;
        if (alone) aloneRunning = true;
        // A synchronous throw counts as a rejection.
        Promise.resolve()
          .then(() => schedule.run(index))
          .catch((err: unknown) => {
            failure ??= { error: err };
          })
          .finally(() => {
            running--;
            if (alone) aloneRunning = false;
            startWhatMay();
            settleIfDone();
          });
      }
    };
    startWhatMay();
    settleIfDone();
  });
}
