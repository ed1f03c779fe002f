/**
 * The results directory Sonobuoy collects and the done file that hands it
 * over: $SONOBUOY_RESULTS_DIR/ra2/ with the JUnit file Sonobuoy reads (plus
 * JSON and the report as Markdown and HTML), then $SONOBUOY_RESULTS_DIR/done
 * naming it. In the retrieved tarball they are under plugins/ra2/results/global/.
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { RunReport } from '../../helpers/framework/result.js';
import { oneLine } from '../../helpers/k8s/errors.js';
import { renderJson } from '../../helpers/reporters/json.js';
import { renderJUnit } from '../../helpers/reporters/junit.js';
import { renderHtml, renderMarkdown } from '../../helpers/reporters/report.js';

/** What Sonobuoy collects: this directory under $SONOBUOY_RESULTS_DIR (the worker tars it). */
export const RESULTS_SUBDIR = 'ra2';
/** The file the manifest's result-files names; Sonobuoy matches it by base name. */
export const JUNIT_FILE = 'ra2-junit.xml';
export const JSON_FILE = 'ra2-results.json';
export const REPORT_FILE = 'ra2-report.md';
/** The same report for a browser: what a lab opens from the retrieved tarball. */
export const HTML_REPORT_FILE = 'ra2-report.html';
export const DONE_FILE = 'done';

/** Writes the results directory, then the done file naming it; the done file last and atomically. */
export function writeResults(resultsDir: string, report: RunReport): string {
  const dir = path.join(resultsDir, RESULTS_SUBDIR);
  mkdirSync(dir, { recursive: true });
  // Sonobuoy's worker sidecar runs as another user and writes its tarball into
  // this directory; the pod's results volume is private to the pod.
  chmodSync(dir, 0o777);
  // Sonobuoy marks the plugin failed on any <failure>: a SHOULD/MAY failure is written as a skip.
  writeFileSync(path.join(dir, JUNIT_FILE), renderJUnit(report, { nonBlockingFailures: 'skipped' }));
  // The JUnit file is what Sonobuoy reads; the others are extras, each written on its own.
  const extras: [string, (r: RunReport) => string][] = [
    [JSON_FILE, (r) => renderJson(r) + '\n'],
    [REPORT_FILE, renderMarkdown],
    [HTML_REPORT_FILE, renderHtml],
  ];
  for (const [file, render] of extras) {
    try {
      writeFileSync(path.join(dir, file), render(report));
    } catch {
      // one extra that cannot be rendered or written does not cost the others
    }
  }
  writeDone(resultsDir, dir);
  return dir;
}

export function writeDone(resultsDir: string, resultPath: string): void {
  mkdirSync(resultsDir, { recursive: true });
  const done = path.join(resultsDir, DONE_FILE);
  writeFileSync(`${done}.tmp`, resultPath);
  renameSync(`${done}.tmp`, done);
}

/**
 * Writes the results once, whichever way out comes first; if even that
 * fails, still writes the done file so Sonobuoy does not wait for its timeout.
 */
export class OneTimeWriter {
  private written = false;

  constructor(
    private readonly resultsDir: string,
    private readonly log: { out(line: string): void; warn(line: string): void },
  ) {}

  write(report: RunReport): void {
    if (this.written) return;
    this.written = true;
    try {
      const dir = writeResults(this.resultsDir, report);
      const c = report.counts;
      this.log.out(
        `wrote ${report.results.length} results to ${dir} (${c.passed} passed, ${c.failed + c.error} failed, ${c.skipped + c['not-implemented']} skipped; outcome ${report.outcome})${report.interrupted ? `; ${report.interrupted}` : ''}`,
      );
    } catch (err) {
      this.log.warn(
        `could not write results to ${this.resultsDir}: ${oneLine(err)}`,
      );
      try {
        writeDone(this.resultsDir, path.join(this.resultsDir, RESULTS_SUBDIR));
      } catch {
        // nothing more can be done; Sonobuoy will report the plugin's timeout
      }
    }
  }
}
