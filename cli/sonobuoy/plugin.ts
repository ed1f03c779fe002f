/**
 * The Sonobuoy plugin, wired: configuration from the environment (config.ts),
 * the shared runner with progress to the worker sidecar (progress.ts), the
 * ways out (lifecycle.ts), and the results directory with its done file
 * (results-dir.ts), written on every way out: a finished run, the deadline,
 * SIGTERM/SIGINT, a crash, a bad configuration or an unreachable cluster.
 * Rows that got no verdict are still reported (partial-report.ts), one JUnit
 * test case per selected catalog row, so Sonobuoy always shows the whole
 * catalog.
 *
 * Exit codes: 0 results written after a complete run or at the deadline;
 * 1 results written after a crash; 2 results written after a configuration or
 * environment error or a signal, or no results directory at all. The
 * conformance verdict itself is in the results, not the exit code: the
 * outcome (conformant, not-conformant, incomplete) is a property of the JUnit
 * suite and a field of ra2-results.json, and a SHOULD/MAY failure is written
 * as a skip that says it failed, so it never marks the plugin failed.
 */
import { DEFAULT_RELEASE, loadCatalog, UnknownReleaseError } from '../../catalog/index.js';
import type { Catalog } from '../../catalog/types.js';
import { attestationFileProblems } from '../../helpers/framework/attestations.js';
import {
  acceptanceOf,
  bindSuites,
  type Check,
  type Suite,
} from '../../helpers/framework/registry.js';
import type { Interruption, RunInfo } from '../../helpers/framework/result.js';
import { runSuite, type RunOptions } from '../../helpers/framework/runner.js';
import { isSelected } from '../../helpers/framework/selection.js';
import { EnvironmentError, oneLine, UsageError } from '../../helpers/k8s/errors.js';
import type { TextSink } from '../../helpers/reporters/console.js';
import { withRunFacts } from '../../helpers/reporters/format.js';
import { allSuites } from '../../suites/index.js';
import type { ProcessEvents } from '../signals.js';
import {
  pluginConfigFromEnv,
  pluginDeadline,
  pluginRunOptions,
  type PluginConfig,
} from './config.js';
import { EXIT_CRASHED, EXIT_STOPPED, EXIT_WRITTEN, PluginLifecycle } from './lifecycle.js';
import { completeReport, recordedFrom, ResultsRecorder, type Recorded } from './partial-report.js';
import { pluginReporters } from './progress.js';
import { OneTimeWriter } from './results-dir.js';

export interface PluginDeps {
  events?: ProcessEvents;
  /** Merged into the runner's options (tests: fake suites and cluster). */
  runOptions?: Partial<RunOptions>;
  /** Replaces the shared runner (tests). */
  runSuite?: typeof runSuite;
  deadlineGraceMs?: number;
  signalGraceMs?: number;
}

export interface Streams {
  stdout: TextSink;
  stderr: TextSink;
}

/** What the plugin will report on, known before the run starts (or fails to). */
interface PluginPlan {
  config?: PluginConfig;
  /** A configuration error: the run does not start. */
  early?: Interruption;
  catalog: Catalog;
  planned: Check[];
  fallbackInfo: Omit<RunInfo, 'total'>;
}

/** Reads the configuration; a bad key still yields a plan, so every row is reported. */
function planPlugin(env: NodeJS.ProcessEnv, suites: readonly Suite[]): PluginPlan {
  let config: PluginConfig | undefined;
  let early: Interruption | undefined;
  try {
    config = pluginConfigFromEnv(env);
  } catch (err) {
    early = { cause: 'environment', detail: oneLine(err) };
  }
  let catalog: Catalog;
  try {
    catalog = loadCatalog(config?.release ?? DEFAULT_RELEASE);
  } catch (err) {
    if (!(err instanceof UnknownReleaseError)) throw err;
    early ??= { cause: 'environment', detail: `RA2_RELEASE: ${oneLine(err)}` };
    catalog = loadCatalog(DEFAULT_RELEASE);
  }
  const planned = bindSuites(catalog, suites).filter((check) =>
    config ? isSelected(check.row.id, config.focus, config.skip) : true,
  );
  const fallbackInfo: Omit<RunInfo, 'total'> = {
    runId: 'not-started',
    release: catalog.release,
    releaseTitle: catalog.title,
    profile: config?.profile === 'network-intensive' ? 'network-intensive' : 'basic',
    profileSource:
      config?.profile === 'auto' ? 'auto: not resolved, the run did not start' : 'given',
    startedAt: new Date().toISOString(),
  };
  return { config, early, catalog, planned, fallbackInfo };
}

/** Unknown ids, ids that take no attestation, empty or expired entries: the run does not start. */
function refuseBadAttestations(
  file: string | undefined,
  catalog: Catalog,
  suites: readonly Suite[],
): void {
  if (!file) return;
  const problems = attestationFileProblems(file, acceptanceOf(catalog, bindSuites(catalog, suites)));
  if (problems.length > 0) throw new UsageError(`RA2_ATTESTATIONS: ${problems.join('; ')}`);
}

function startLine(config: PluginConfig, checks: number): string {
  const parts = [
    `release ${config.release}`,
    `profile ${config.profile}`,
    `${checks} checks`,
    ...(config.focus.length ? [`focus ${config.focus.join(',')}`] : []),
    ...(config.skip.length ? [`skip ${config.skip.join(',')}`] : []),
    ...(config.disruptive ? ['disruptive'] : []),
    `deadline ${config.deadlineText}`,
    `results in ${config.resultsDir}`,
  ];
  return `ra2-sonobuoy: ${parts.join(', ')}\n`;
}

export async function runPlugin(
  env: NodeJS.ProcessEnv,
  streams: Streams,
  deps: PluginDeps = {},
): Promise<number> {
  const warn = (line: string) => streams.stderr.write(`ra2-sonobuoy: ${line}\n`);
  const resultsDir = env.SONOBUOY_RESULTS_DIR?.trim();
  if (!resultsDir) {
    warn(
      'SONOBUOY_RESULTS_DIR is not set; this entry point runs inside a Sonobuoy plugin pod (use `ra2 run` elsewhere)',
    );
    return EXIT_STOPPED;
  }
  const suites = deps.runOptions?.suites ?? allSuites;
  const plan = planPlugin(env, suites);
  const writer = new OneTimeWriter(resultsDir, {
    out: (line) => streams.stdout.write(`ra2-sonobuoy: ${line}\n`),
    warn,
  });
  const recorder = new ResultsRecorder();
  const finish = (recorded: Recorded, stop: Interruption | undefined) =>
    writer.write(completeReport(plan.catalog, plan.planned, recorded, stop, plan.fallbackInfo));

  const { config } = plan;
  if (plan.early || !config) {
    warn(plan.early?.detail ?? 'no configuration');
    finish(recorder, plan.early);
    return EXIT_STOPPED;
  }
  streams.stdout.write(startLine(config, plan.planned.length));

  const stops: PluginLifecycle = new PluginLifecycle({
    events: deps.events ?? process,
    warn,
    writeNow: () => finish(recorder, stops.stop),
    deadline: pluginDeadline(config),
    deadlineGraceMs: deps.deadlineGraceMs,
    signalGraceMs: deps.signalGraceMs,
  });

  const run = (async (): Promise<number> => {
    try {
      refuseBadAttestations(config.attestations, plan.catalog, suites);
      const options = pluginRunOptions(config);
      const report = await (deps.runSuite ?? runSuite)({
        ...options,
        suites,
        ...deps.runOptions,
        reporters: withRunFacts(
          pluginReporters(env, streams.stdout, recorder, warn),
          options.attestations?.file ? { attestations: options.attestations.file } : {},
        ),
        signal: stops.signal,
      });
      finish(recordedFrom(report), stops.stop);
      return stops.stop?.cause === 'signal' ? EXIT_STOPPED : EXIT_WRITTEN;
    } catch (err) {
      const environment = err instanceof UsageError || err instanceof EnvironmentError;
      stops.note(
        environment
          ? { cause: 'environment', detail: oneLine(err) }
          : { cause: 'crash', detail: `crashed: ${oneLine(err)}` },
      );
      warn(
        environment
          ? oneLine(err)
          : `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      finish(recorder, stops.stop);
      return environment ? EXIT_STOPPED : EXIT_CRASHED;
    }
  })();

  try {
    return await Promise.race([run, stops.forced]);
  } finally {
    stops.dispose();
  }
}
