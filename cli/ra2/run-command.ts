/**
 * `ra2 run`: the settings from the flags, the attestations file held against
 * what the rows accept, reporters for the files asked for, SIGINT/SIGTERM
 * wired to the runner, and the exit code of the run's outcome: 0 conformant,
 * 1 not conformant, 3 incomplete; 2 for a usage or environment error or an
 * interrupted run.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { EXIT_USAGE_OR_ENVIRONMENT, type Reporter } from '../../helpers/framework/result.js';
import { runSuite, type RunOptions } from '../../helpers/framework/runner.js';
import { runOptionsFrom, type RunSettings } from '../../helpers/framework/settings.js';
import { ConsoleReporter, type TextSink } from '../../helpers/reporters/console.js';
import { withRunFacts } from '../../helpers/reporters/format.js';
import { JsonReporter } from '../../helpers/reporters/json.js';
import { JUnitReporter } from '../../helpers/reporters/junit.js';
import { ConformanceReportReporter } from '../../helpers/reporters/report.js';
import { allSuites } from '../../suites/index.js';
import { validateAttestationFile } from './attest.js';
import { onStopSignals, signalInterruption, type ProcessEvents } from '../signals.js';

export interface Streams {
  stdout: TextSink;
  stderr: TextSink;
}

/** What tests replace: extra reporters, the signal source, runner options (fake suites, cluster). */
export interface CliDeps {
  reporters?: Reporter[];
  events?: ProcessEvents;
  runOptions?: Partial<RunOptions>;
}

export function writeFile(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

function fileReporters(settings: RunSettings): Reporter[] {
  return [
    ...(settings.junit ? [new JUnitReporter(settings.junit, writeFile)] : []),
    ...(settings.json ? [new JsonReporter(settings.json, writeFile)] : []),
    ...(settings.report ? [new ConformanceReportReporter(settings.report, writeFile)] : []),
  ];
}

export async function runChecks(
  settings: RunSettings,
  streams: Streams,
  deps: CliDeps = {},
): Promise<number> {
  const suites = deps.runOptions?.suites ?? allSuites;
  // Unknown ids, ids that take no attestation, empty or expired entries: refused, one line each.
  if (settings.attestations) {
    const problems = validateAttestationFile(settings.attestations, settings.release, suites);
    for (const problem of problems) streams.stderr.write(`ra2: ${problem}\n`);
    if (problems.length > 0) return EXIT_USAGE_OR_ENVIRONMENT;
  }
  const options = runOptionsFrom(settings);
  const controller = new AbortController();
  const unsubscribe = onStopSignals(deps.events ?? process, (signal) => {
    unsubscribe(); // a second signal takes the default way out
    streams.stderr.write(`ra2: ${signal} received; stopping checks and cleaning up\n`);
    controller.abort(signalInterruption(signal));
  });
  try {
    const report = await runSuite({
      ...options,
      suites: allSuites,
      ...deps.runOptions,
      reporters: withRunFacts(
        [
          new ConsoleReporter(streams.stdout),
          ...(deps.reporters ?? []),
          ...fileReporters(settings),
        ],
        options.attestations?.file ? { attestations: options.attestations.file } : {},
      ),
      signal: controller.signal,
    });
    return report.interrupted ? EXIT_USAGE_OR_ENVIRONMENT : report.exitCode;
  } finally {
    unsubscribe();
  }
}
