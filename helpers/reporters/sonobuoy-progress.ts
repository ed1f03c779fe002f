/**
 * Sonobuoy progress: after each check, POST the run's progress to the worker
 * sidecar at http://localhost:$SONOBUOY_PROGRESS_PORT/progress, which
 * `sonobuoy status --json` then shows. Progress is a courtesy: a failed POST
 * never affects the run; it is logged once and later failures are silent.
 */
import type { CheckResult, Reporter, RunInfo, RunReport } from '../framework/result.js';
import { testName } from './format.js';

/** The fields of Sonobuoy's ProgressUpdate (pkg/plugin/interface.go) that we send. */
export interface ProgressUpdate {
  msg: string;
  total: number;
  /** Checks finished without failing (passed or skipped). */
  completed: number;
  /** Test names of failed and errored checks. */
  failures: string[];
}

export interface SonobuoyProgressOptions {
  /** Where a failed POST is reported (once). */
  warn?: (line: string) => void;
  /** Limit for one POST; the worker answers at once when it is there. */
  timeoutMs?: number;
}

export class SonobuoyProgressReporter implements Reporter {
  readonly name = 'sonobuoy-progress';
  private total = 0;
  private completed = 0;
  private readonly failures: string[] = [];
  private warned = false;

  constructor(
    readonly url: string,
    private readonly options: SonobuoyProgressOptions = {},
  ) {}

  /** A reporter for the worker's port, or undefined outside Sonobuoy (no SONOBUOY_PROGRESS_PORT). */
  static fromEnv(
    env: NodeJS.ProcessEnv,
    options: SonobuoyProgressOptions = {},
  ): SonobuoyProgressReporter | undefined {
    const port = env.SONOBUOY_PROGRESS_PORT?.trim();
    if (!port) return undefined;
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      options.warn?.(`ignoring SONOBUOY_PROGRESS_PORT=${port}: not a port number`);
      return undefined;
    }
    return new SonobuoyProgressReporter(`http://localhost:${port}/progress`, options);
  }

  async onRunStart(info: RunInfo): Promise<void> {
    this.total = info.total;
    await this.post(
      `starting ${info.total} checks (release ${info.release}, profile ${info.profile})`,
    );
  }

  async onCheckEnd(result: CheckResult, index: number, total: number): Promise<void> {
    this.total = total;
    const name = testName(result.row);
    if (result.status === 'failed' || result.status === 'error') this.failures.push(name);
    else this.completed++;
    await this.post(`${result.status}: ${name} (${index + 1}/${total})`);
  }

  async onRunEnd(report: RunReport): Promise<void> {
    const c = report.counts;
    const summary = `${c.passed} passed, ${c.failed + c.error} failed, ${c.skipped + c['not-implemented']} skipped`;
    await this.post(
      report.interrupted ? `interrupted (${report.interrupted}): ${summary}` : `done: ${summary}`,
    );
  }

  /** The update as it would be sent now. */
  snapshot(msg: string): ProgressUpdate {
    return { msg, total: this.total, completed: this.completed, failures: [...this.failures] };
  }

  private async post(msg: string): Promise<void> {
    try {
      const response = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(this.snapshot(msg)),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 5_000),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
    } catch (err) {
      if (this.warned) return;
      this.warned = true;
      const why =
        err instanceof Error
          ? err.cause instanceof Error
            ? err.cause.message
            : err.message
          : String(err);
      this.options.warn?.(
        `progress update to ${this.url} failed (${why}); the run goes on, further failures are not logged`,
      );
    }
  }
}
