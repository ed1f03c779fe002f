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

  push(description: string, run: () => Promise<void>): void {
    this.steps.push({ description, run });
  }

  get size(): number {
    return this.steps.length;
  }

  /** Runs and forgets every step, newest first. Safe to call again (runs nothing). */
  async runAll(log: (line: string) => void = () => {}): Promise<void> {
    let firstError: unknown = undefined;
    while (this.steps.length > 0) {
      const step = this.steps.pop() as CleanupStep;
      try {
        await step.run();
      } catch (err) {
        log(
          `cleanup "${step.description}" failed: ${err instanceof Error ? err.message : String(err)}`,
        );
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
