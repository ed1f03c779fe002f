/**
 * Cleanup registered right after each creation, run last-in-first-out. A
 * failing step does not stop the others; the first error is rethrown after
 * all have run, so a cleanup problem is reported and never hides the rest.
 */
export interface CleanupStep {
  description: string;
  run: () => Promise<void>;
}

export class CleanupStack {
  private steps: CleanupStep[] = [];
  private ran = false;
  private log: (line: string) => void = () => {};

  /**
   * Registers a step. After runAll, the step runs at once instead: an object a
   * check body created after it was cut short (its create call was in flight)
   * is still deleted, not left for the next run's sweep.
   */
  push(description: string, run: () => Promise<void>): void {
    if (!this.ran) {
      this.steps.push({ description, run });
      return;
    }
    this.log(`cleanup "${description}" registered after the cleanup ran: running it now`);
    run().catch((err: unknown) => this.log(failedLine(description, err)));
  }

  get size(): number {
    return this.steps.length;
  }

  /** Runs and forgets every step, newest first. Safe to call again (runs nothing). */
  async runAll(log: (line: string) => void = () => {}): Promise<void> {
    this.ran = true;
    this.log = log;
    let firstError: unknown = undefined;
    while (this.steps.length > 0) {
      const step = this.steps.pop() as CleanupStep;
      try {
        await step.run();
      } catch (err) {
        log(failedLine(step.description, err));
        firstError ??= err;
      }
    }
    if (firstError !== undefined) {
      throw firstError instanceof Error
        ? firstError
        : new Error(`cleanup failed: ${JSON.stringify(firstError)}`);
    }
  }
}

function failedLine(description: string, err: unknown): string {
  return `cleanup "${description}" failed: ${err instanceof Error ? err.message : String(err)}`;
}
