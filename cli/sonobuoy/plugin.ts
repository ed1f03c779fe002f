/**
 * The Sonobuoy plugin entry point. It only wires things: configuration from
 * the environment (so `sonobuoy run --plugin-env ra2.KEY=VALUE` works), the
 * shared runner, progress to the worker sidecar, and the results directory
 * with its done file. The done file is written on every way out: a finished
 * run, the plugin's own deadline, SIGTERM/SIGINT, a crash, a bad
 * configuration or an unreachable cluster. Rows that got no verdict are still
 * reported, one JUnit test case per selected catalog row, so Sonobuoy always
 * shows the whole catalog.
 *
 * Exit codes: 0 results written after a complete run or at the deadline;
 * 1 results written after a crash; 2 results written after a configuration or
 * environment error or a signal, or no results directory at all. The
 * conformance verdict itself is in the JUnit file, not the exit code.
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_RELEASE, loadCatalog, sectionOf, UnknownReleaseError } from '../../catalog/index.js';
import type { Catalog, CatalogRow } from '../../catalog/types.js';
import { loadAttestations } from '../../helpers/framework/attestations.js';
import { EnvironmentError, oneLine, UsageError } from '../../helpers/k8s/errors.js';
import { DEFAULT_PROBE_IMAGE } from '../../helpers/framework/images.js';
import { buildRunReport, type Reporter, type RunInfo, type RunReport, type CheckResult } from '../../helpers/framework/result.js';
import { bindSuites, type Check } from '../../helpers/framework/registry.js';
import { ConsoleReporter, type TextSink } from '../../helpers/reporters/console.js';
import { renderJson } from '../../helpers/reporters/json.js';
import { renderJUnit } from '../../helpers/reporters/junit.js';
import { renderMarkdown } from '../../helpers/reporters/report.js';
import { SonobuoyProgressReporter } from '../../helpers/reporters/sonobuoy-progress.js';
import { runSuite, type ProfileChoice, type RunOptions } from '../../helpers/framework/runner.js';
import { isSelected, splitPatterns } from '../../helpers/framework/selection.js';
import { defaultTimeouts, type Timeouts } from '../../helpers/framework/timeouts.js';
import { allSuites } from '../../suites/index.js';

/** What Sonobuoy collects: this directory under $SONOBUOY_RESULTS_DIR (the worker tars it). */
export const RESULTS_SUBDIR = 'ra2';
/** The file the manifest's result-files names; Sonobuoy matches it by base name. */
export const JUNIT_FILE = 'ra2-junit.xml';
export const JSON_FILE = 'ra2-results.json';
export const REPORT_FILE = 'ra2-report.md';
export const DONE_FILE = 'done';

/** Default deadline: below Sonobuoy's default plugin timeout of 3h, with room to hand over. */
export const DEFAULT_DEADLINE = '2h50m';
/** After the deadline, time the runner gets to stop its check and clean up before we write anyway. */
export const DEADLINE_GRACE_MS = 2 * 60_000;
/** After SIGTERM, within Kubernetes' default 30s termination grace. */
export const SIGNAL_GRACE_MS = 15_000;

export interface PluginEnvKey {
  name: string;
  default: string;
  description: string;
}

/** The configuration keys, for --plugin-env ra2.KEY=VALUE; docs/sonobuoy.md lists the same. */
export const PLUGIN_ENV_KEYS: readonly PluginEnvKey[] = [
  { name: 'RA2_PROFILE', default: 'auto', description: 'basic, network-intensive or auto' },
  { name: 'RA2_FOCUS', default: '', description: 'only these ids or globs, comma-separated' },
  { name: 'RA2_SKIP', default: '', description: 'leave out these ids or globs, comma-separated' },
  {
    name: 'RA2_DISRUPTIVE',
    default: 'false',
    description: 'also run disruptive checks (true/false)',
  },
  { name: 'RA2_RELEASE', default: DEFAULT_RELEASE, description: 'RA2 release catalog' },
  { name: 'RA2_PROBE_IMAGE', default: DEFAULT_PROBE_IMAGE, description: 'image for probe pods' },
  {
    name: 'RA2_IMAGE_PREFIX',
    default: '',
    description: 'registry/path prefix put in front of every image the checks use',
  },
  {
    name: 'RA2_TIMEOUT',
    default: formatGoDuration(defaultTimeouts.check),
    description: 'per-check time limit',
  },
  {
    name: 'RA2_DEADLINE',
    default: DEFAULT_DEADLINE,
    description:
      'whole-run limit; at the deadline the results so far are written and the rest reported skipped',
  },
  { name: 'RA2_PARALLEL', default: '1', description: 'checks to run at once' },
  {
    name: 'RA2_ATTESTATIONS',
    default: '',
    description:
      'path of a YAML/JSON attestations file inside the pod (mount it with extra-volumes)',
  },
  ...(Object.keys(defaultTimeouts) as (keyof Timeouts)[])
    .filter((key) => key !== 'check')
    .map((key) => ({
      name: timeoutEnvName(key),
      default: formatGoDuration(defaultTimeouts[key]),
      description: `overrides the ${key} wait (helpers/timeouts.ts)`,
    })),
];

export function timeoutEnvName(key: keyof Timeouts): string {
  return `RA2_TIMEOUT_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/** Go-style durations as Sonobuoy users write them: "2h50m", "90s", "1h30m", "500ms"; a bare number is seconds. */
export function parseGoDuration(text: string): number {
  const value = text.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const part = /(\d+(?:\.\d+)?)(ms|h|m|s)/y;
  let ms = 0;
  let matched = 0;
  while (matched < value.length) {
    part.lastIndex = matched;
    const m = part.exec(value);
    if (!m) throw new UsageError(`"${text}" is not a duration such as 90s, 5m or 2h50m`);
    ms += Number(m[1]) * (unit[m[2] as string] as number);
    matched = part.lastIndex;
  }
  if (!value || ms <= 0) throw new UsageError(`"${text}" is not a duration above zero`);
  return Math.round(ms);
}

export function formatGoDuration(ms: number): string {
  if (ms % 1000 !== 0) return `${ms}ms`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s || (!h && !m) ? `${s}s` : ''}`;
}

export interface PluginConfig {
  resultsDir: string;
  release: string;
  profile: ProfileChoice;
  focus: string[];
  skip: string[];
  disruptive: boolean;
  probeImage: string;
  imagePrefix?: string;
  timeoutMs?: number;
  timeouts: Partial<Timeouts>;
  parallel: number;
  deadlineMs: number;
  deadlineText: string;
  attestationsPath?: string;
}

/** Reads the plugin's configuration; throws one UsageError naming every bad key. */
export function pluginConfigFromEnv(env: NodeJS.ProcessEnv): PluginConfig {
  const problems: string[] = [];
  const get = (name: string) => {
    const value = env[name]?.trim();
    return value ? value : undefined;
  };
  const duration = (name: string): number | undefined => {
    const value = get(name);
    if (value === undefined) return undefined;
    try {
      return parseGoDuration(value);
    } catch (err) {
      problems.push(`${name}: ${oneLine(err)}`);
      return undefined;
    }
  };

  const resultsDir = get('SONOBUOY_RESULTS_DIR') ?? '';
  if (!resultsDir) problems.push('SONOBUOY_RESULTS_DIR is not set (Sonobuoy sets it)');

  const profile = (get('RA2_PROFILE') ?? 'auto') as ProfileChoice;
  if (!['basic', 'network-intensive', 'auto'].includes(profile))
    problems.push(`RA2_PROFILE: "${profile}" is not one of basic, network-intensive, auto`);

  let disruptive = false;
  const disruptiveText = get('RA2_DISRUPTIVE')?.toLowerCase();
  if (disruptiveText !== undefined) {
    if (['true', '1', 'yes'].includes(disruptiveText)) disruptive = true;
    else if (!['false', '0', 'no'].includes(disruptiveText))
      problems.push(`RA2_DISRUPTIVE: "${disruptiveText}" is not true or false`);
  }

  let parallel = 1;
  const parallelText = get('RA2_PARALLEL');
  if (parallelText !== undefined) {
    parallel = Number(parallelText);
    if (!Number.isInteger(parallel) || parallel < 1) {
      problems.push(`RA2_PARALLEL: "${parallelText}" is not a positive whole number`);
      parallel = 1;
    }
  }

  const timeouts: Partial<Timeouts> = {};
  for (const key of Object.keys(defaultTimeouts) as (keyof Timeouts)[]) {
    if (key === 'check') continue;
    const ms = duration(timeoutEnvName(key));
    if (ms !== undefined) timeouts[key] = ms;
  }
  const deadlineText = get('RA2_DEADLINE') ?? DEFAULT_DEADLINE;
  const deadlineMs = duration('RA2_DEADLINE') ?? parseGoDuration(DEFAULT_DEADLINE);
  const timeoutMs = duration('RA2_TIMEOUT');

  if (problems.length > 0)
    throw new UsageError(`invalid plugin configuration: ${problems.join('; ')}`);
  return {
    resultsDir,
    release: get('RA2_RELEASE') ?? DEFAULT_RELEASE,
    profile,
    focus: splitPatterns([get('RA2_FOCUS') ?? '']),
    skip: splitPatterns([get('RA2_SKIP') ?? '']),
    disruptive,
    probeImage: get('RA2_PROBE_IMAGE') ?? DEFAULT_PROBE_IMAGE,
    imagePrefix: get('RA2_IMAGE_PREFIX'),
    timeoutMs,
    timeouts,
    parallel,
    deadlineMs,
    deadlineText,
    attestationsPath: get('RA2_ATTESTATIONS'),
  };
}

/** Why a run ended early. */
export interface Stop {
  kind: 'deadline' | 'signal' | 'crash' | 'environment';
  message: string;
}

/** Records what the runner reports, so partial results survive any way out. */
export class ResultsRecorder implements Reporter {
  readonly name = 'sonobuoy-results';
  info?: RunInfo;
  readonly results = new Map<string, CheckResult>();
  onRunStart(info: RunInfo): void {
    this.info = info;
  }
  onCheckEnd(result: CheckResult): void {
    this.results.set(result.row.id, result);
  }
}

function placeholder(
  catalog: Catalog,
  check: Check,
  stop: Stop | undefined,
  at: string,
): CheckResult {
  const noVerdict = !stop || stop.kind === 'deadline' || stop.kind === 'signal';
  return {
    row: check.row,
    sectionTitle: sectionText(catalog, check.row),
    kind: check.options.kind,
    status: noVerdict ? 'skipped' : 'error',
    message: noVerdict
      ? `${stop?.message ?? 'run ended'}: not run`
      : `not run: the suite stopped: ${stop.message}`,
    log: [],
    durationMs: 0,
    startedAt: at,
  };
}

function sectionText(catalog: Catalog, row: CatalogRow): string {
  const section = sectionOf(catalog, row);
  return `${section.number} ${section.title}`;
}

/**
 * The report Sonobuoy gets: the runner's own when it finished, else what was
 * recorded; every selected row appears once, in catalog order. A check cut
 * short by the deadline or a signal reached no verdict: it is reported
 * skipped with the reason, as are the rows that never started.
 */
export function completeReport(
  catalog: Catalog,
  planned: readonly Check[],
  recorded: { info?: RunInfo; results: ReadonlyMap<string, CheckResult> },
  stop: Stop | undefined,
  fallbackInfo: Omit<RunInfo, 'total'>,
  now: Date = new Date(),
): RunReport {
  const at = now.toISOString();
  const results = planned.map((check) => {
    const result = recorded.results.get(check.row.id);
    if (!result) return placeholder(catalog, check, stop, at);
    if (stop && (stop.kind === 'deadline' || stop.kind === 'signal')) {
      if (result.status === 'error' && result.message === stop.message) {
        return {
          ...result,
          status: 'skipped' as const,
          message: `${stop.message}: cut short after ${(result.durationMs / 1000).toFixed(0)}s, no verdict`,
        };
      }
      if (result.status === 'skipped' && result.message === `run interrupted (${stop.message})`)
        return { ...result, message: `${stop.message}: not run` };
    }
    return result;
  });
  const info = recorded.info ?? { ...fallbackInfo, total: results.length };
  return buildRunReport({ ...info, total: results.length }, results, at, stop?.message);
}

/** Writes the results directory, then the done file naming it; the done file last and atomically. */
export function writeResults(resultsDir: string, report: RunReport): string {
  const dir = path.join(resultsDir, RESULTS_SUBDIR);
  mkdirSync(dir, { recursive: true });
  // Sonobuoy's worker sidecar runs as another user and writes its tarball into
  // this directory; the pod's results volume is private to the pod.
  chmodSync(dir, 0o777);
  writeFileSync(path.join(dir, JUNIT_FILE), renderJUnit(report));
  try {
    writeFileSync(path.join(dir, JSON_FILE), renderJson(report) + '\n');
    writeFileSync(path.join(dir, REPORT_FILE), renderMarkdown(report));
  } catch {
    // the JUnit file is what Sonobuoy reads; the others are extras
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

/** Where the entry point hears about signals and crashes (process, or a fake in tests). */
export interface ProcessEvents {
  on(event: string, listener: (...args: unknown[]) => void): unknown;
  removeListener(event: string, listener: (...args: unknown[]) => void): unknown;
}

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
    return 2;
  }
  const events = deps.events ?? process;
  const startedAt = new Date().toISOString();

  // Configuration: a bad key still yields results (every row an error) and a done file.
  let config: PluginConfig | undefined;
  let early: Stop | undefined;
  try {
    config = pluginConfigFromEnv(env);
  } catch (err) {
    early = { kind: 'environment', message: oneLine(err) };
  }
  let catalog: Catalog;
  try {
    catalog = loadCatalog(config?.release ?? DEFAULT_RELEASE);
  } catch (err) {
    if (!(err instanceof UnknownReleaseError)) throw err;
    early ??= { kind: 'environment', message: `RA2_RELEASE: ${oneLine(err)}` };
    catalog = loadCatalog(DEFAULT_RELEASE);
  }
  const suites = deps.runOptions?.suites ?? allSuites;
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
    startedAt,
  };

  const recorder = new ResultsRecorder();
  let written = false;
  let stop: Stop | undefined = early;
  const finish = (report?: RunReport): void => {
    if (written) return;
    written = true;
    const final = completeReport(
      catalog,
      planned,
      report
        ? { info: report.info, results: new Map(report.results.map((r) => [r.row.id, r])) }
        : recorder,
      stop,
      fallbackInfo,
    );
    try {
      const dir = writeResults(resultsDir, final);
      const c = final.counts;
      streams.stdout.write(
        `ra2-sonobuoy: wrote ${final.results.length} results to ${dir} (${c.passed} passed, ${c.failed + c.error} failed, ${c.skipped + c['not-implemented']} skipped)${stop ? `; ${stop.message}` : ''}\n`,
      );
    } catch (err) {
      warn(`could not write results to ${resultsDir}: ${oneLine(err)}`);
      try {
        writeDone(resultsDir, path.join(resultsDir, RESULTS_SUBDIR));
      } catch {
        // nothing more can be done; Sonobuoy will report the plugin's timeout
      }
    }
  };

  if (early || !config) {
    warn(early?.message ?? 'no configuration');
    finish();
    return 2;
  }

  streams.stdout.write(
    `ra2-sonobuoy: release ${config.release}, profile ${config.profile}, ${planned.length} checks` +
      `${config.focus.length ? `, focus ${config.focus.join(',')}` : ''}${config.skip.length ? `, skip ${config.skip.join(',')}` : ''}` +
      `${config.disruptive ? ', disruptive' : ''}, deadline ${config.deadlineText}, results in ${resultsDir}\n`,
  );

  const controller = new AbortController();
  let release: (code: number) => void = () => {};
  const forced = new Promise<number>((resolve) => (release = resolve));
  const timers: NodeJS.Timeout[] = [];
  const stopRun = (why: Stop, graceMs: number, code: number) => {
    if (stop) return;
    stop = why;
    warn(
      `${why.message}; stopping the checks (results are written within ${formatGoDuration(graceMs)})`,
    );
    controller.abort(new Error(why.message));
    timers.push(
      setTimeout(() => {
        warn(
          `the runner did not stop within ${formatGoDuration(graceMs)}; writing the results so far`,
        );
        finish();
        release(code);
      }, graceMs),
    );
  };

  timers.push(
    setTimeout(
      () =>
        stopRun(
          { kind: 'deadline', message: `deadline reached (RA2_DEADLINE=${config.deadlineText})` },
          deps.deadlineGraceMs ?? DEADLINE_GRACE_MS,
          0,
        ),
      config.deadlineMs,
    ),
  );
  const onSignal = (...args: unknown[]) => {
    const signal = typeof args[0] === 'string' ? args[0] : 'signal';
    if (stop?.kind === 'signal') {
      // a second signal: no more patience
      finish();
      release(2);
      return;
    }
    stopRun(
      { kind: 'signal', message: `${signal} received` },
      deps.signalGraceMs ?? SIGNAL_GRACE_MS,
      2,
    );
  };
  const onCrash = (...args: unknown[]) => {
    const err = args[0];
    warn(`crashed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    stop ??= { kind: 'crash', message: `crashed: ${oneLine(err)}` };
    finish();
    release(1);
  };
  events.on('SIGTERM', onSignal);
  events.on('SIGINT', onSignal);
  events.on('uncaughtException', onCrash);
  events.on('unhandledRejection', onCrash);

  const run = (async (): Promise<number> => {
    const reporters: Reporter[] = [new ConsoleReporter(streams.stdout), recorder];
    const progress = SonobuoyProgressReporter.fromEnv(env, { warn });
    if (progress) reporters.push(progress);
    try {
      const report = await (deps.runSuite ?? runSuite)({
        release: config.release,
        profile: config.profile,
        focus: config.focus,
        skip: config.skip,
        disruptive: config.disruptive,
        timeoutMs: config.timeoutMs,
        timeouts: config.timeouts,
        parallel: config.parallel,
        probeImage: config.probeImage,
        imagePrefix: config.imagePrefix,
        attestations: config.attestationsPath
          ? loadAttestations(config.attestationsPath)
          : undefined,
        suites,
        ...deps.runOptions,
        reporters,
        signal: controller.signal,
      });
      finish(report);
      return stop?.kind === 'signal' ? 2 : 0;
    } catch (err) {
      const environment = err instanceof UsageError || err instanceof EnvironmentError;
      stop ??= environment
        ? { kind: 'environment', message: oneLine(err) }
        : { kind: 'crash', message: `crashed: ${oneLine(err)}` };
      warn(
        environment
          ? oneLine(err)
          : `unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
      );
      finish();
      return environment ? 2 : 1;
    }
  })();

  try {
    return await Promise.race([run, forced]);
  } finally {
    for (const timer of timers) clearTimeout(timer);
    events.removeListener('SIGTERM', onSignal);
    events.removeListener('SIGINT', onSignal);
    events.removeListener('uncaughtException', onCrash);
    events.removeListener('unhandledRejection', onCrash);
  }
}
