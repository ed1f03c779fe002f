/**
 * The `ra2` command line: parse, build reporters, call the shared runner, and
 * print every error in one place as one line. Exit codes: 0 no must-level
 * failure, 1 a must-level failure, 2 usage or environment error.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_RELEASE,
  listReleases,
  loadCatalog,
  UnknownReleaseError,
} from '../../catalog/index.js';
import { loadAttestations } from '../../helpers/framework/attestations.js';
import { EnvironmentError, oneLine, UsageError } from '../../helpers/k8s/errors.js';
import { usedImages } from './images.js';
import { DEFAULT_PROBE_IMAGE } from '../../helpers/framework/images.js';
import { EXIT_USAGE_OR_ENVIRONMENT, type Reporter } from '../../helpers/framework/result.js';
import { bindSuites } from '../../helpers/framework/registry.js';
import { ConsoleReporter, type TextSink } from '../../helpers/reporters/console.js';
import { testName } from '../../helpers/reporters/format.js';
import { JsonReporter } from '../../helpers/reporters/json.js';
import { JUnitReporter } from '../../helpers/reporters/junit.js';
import { ConformanceReportReporter } from '../../helpers/reporters/report.js';
import { runSuite, type ProfileChoice, type RunOptions } from '../../helpers/framework/runner.js';
import { splitPatterns } from '../../helpers/framework/selection.js';
import { allSuites } from '../../suites/index.js';

export interface Streams {
  stdout: TextSink;
  stderr: TextSink;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError('expected a positive whole number');
  return n;
}

/** "90", "90s", "5m", "1h" -> milliseconds */
export function parseDuration(value: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) throw new InvalidArgumentError('expected a duration such as 90s, 5m or 1h');
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[
    (match[2] ?? 's') as 'ms' | 's' | 'm' | 'h'
  ];
  const ms = Number(match[1]) * unit;
  if (ms <= 0) throw new InvalidArgumentError('expected a duration above zero');
  return ms;
}

function writeFile(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

function packageVersion(): string {
  const pkg = path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '..',
    '..',
    '..',
    'package.json',
  );
  return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
}

interface RunFlags {
  kubeconfig?: string;
  context?: string;
  profile: ProfileChoice;
  focus: string[];
  skip: string[];
  disruptive: boolean;
  release: string;
  junit?: string;
  json?: string;
  report?: string;
  timeout?: number;
  parallel: number;
  attestations?: string;
  probeImage: string;
  imagePrefix?: string;
}

export async function run(
  argv: readonly string[],
  streams: Streams,
  extraReporters: Reporter[] = [],
): Promise<number> {
  let exitCode = 0;
  const program = new Command('ra2')
    .description('Check a live Kubernetes cluster against Anuket RA2 chapter 4')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
      outputError: () => {}, // printed once, as one line, below
    });

  program
    .command('run')
    .description('run the conformance checks against a cluster')
    .option(
      '--kubeconfig <path>',
      'kubeconfig file (default: in-cluster config, then the default kubeconfig)',
    )
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .addOption(
      new Option('--profile <profile>', 'Anuket profile to check')
        .choices(['basic', 'network-intensive', 'auto'])
        .default('auto'),
    )
    .option(
      '--focus <ids>',
      'only these ids or globs (ra2.ntw.*); repeatable or comma-separated',
      collect,
      [],
    )
    .option(
      '--skip <ids>',
      'leave out these ids or globs; repeatable or comma-separated',
      collect,
      [],
    )
    .option('--disruptive', 'also run disruptive checks', false)
    .option(
      '--release <name>',
      `RA2 release catalog (${listReleases().join(', ')})`,
      DEFAULT_RELEASE,
    )
    .option('--junit <path>', 'write a JUnit XML file')
    .option('--json <path>', 'write a JSON result file')
    .option('--report <path>', 'write a conformance report (Markdown, or HTML for *.html)')
    .option('--timeout <duration>', 'per-check time limit (e.g. 5m)', parseDuration)
    .option('--parallel <n>', 'checks to run at once', positiveInt, 1)
    .option('--attestations <file>', 'YAML or JSON evidence for attest checks')
    .option('--probe-image <image>', 'image for probe pods', DEFAULT_PROBE_IMAGE)
    .option('--image-prefix <prefix>', 'registry/path prefix for air-gapped clusters')
    .action(async (flags: RunFlags) => {
      const controller = new AbortController();
      const onSignal = (signal: NodeJS.Signals) => {
        streams.stderr.write(`ra2: ${signal} received; stopping checks and cleaning up\n`);
        controller.abort(new Error(`${signal} received`));
      };
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        const reporters: Reporter[] = [new ConsoleReporter(streams.stdout), ...extraReporters];
        if (flags.junit) reporters.push(new JUnitReporter(flags.junit, writeFile));
        if (flags.json) reporters.push(new JsonReporter(flags.json, writeFile));
        if (flags.report) reporters.push(new ConformanceReportReporter(flags.report, writeFile));
        const options: RunOptions = {
          release: flags.release,
          kubeconfig: flags.kubeconfig,
          context: flags.context,
          profile: flags.profile,
          focus: splitPatterns(flags.focus),
          skip: splitPatterns(flags.skip),
          disruptive: flags.disruptive,
          timeoutMs: flags.timeout,
          parallel: flags.parallel,
          attestations: flags.attestations ? loadAttestations(flags.attestations) : undefined,
          probeImage: flags.probeImage,
          imagePrefix: flags.imagePrefix,
          reporters,
          signal: controller.signal,
          suites: allSuites,
        };
        const report = await runSuite(options);
        exitCode = report.interrupted ? EXIT_USAGE_OR_ENVIRONMENT : report.exitCode;
      } finally {
        process.removeListener('SIGINT', onSignal);
        process.removeListener('SIGTERM', onSignal);
      }
    });

  program
    .command('list')
    .description('list the catalog with each check kind, level and condition')
    .option('--release <name>', 'RA2 release catalog', DEFAULT_RELEASE)
    .action((flags: { release: string }) => {
      const catalog = loadCatalog(flags.release);
      for (const check of bindSuites(catalog, allSuites)) {
        const kind = check.notImplemented
          ? `${check.options.kind} (not implemented)`
          : check.options.kind;
        const extra = [
          check.row.condition && `condition: ${check.row.condition}`,
          check.options.disruptive && 'disruptive',
        ]
          .filter(Boolean)
          .join('; ');
        streams.stdout.write(`${testName(check.row)}\t${kind}${extra ? `\t${extra}` : ''}\n`);
      }
    });

  program
    .command('images')
    .description(
      'list every image a run uses, with --image-prefix applied (for air-gapped registries)',
    )
    .option('--probe-image <image>', 'image for probe pods', DEFAULT_PROBE_IMAGE)
    .option('--image-prefix <prefix>', 'registry/path prefix for air-gapped clusters')
    .option('--sonobuoy', 'also list the Sonobuoy plugin and aggregator images', false)
    .option('--wide', 'add what each image is used for', false)
    .action(
      (flags: { probeImage: string; imagePrefix?: string; sonobuoy: boolean; wide: boolean }) => {
        for (const { image, usedFor } of usedImages({ ...flags, version: packageVersion() })) {
          streams.stdout.write(flags.wide ? `${image}\t${usedFor}\n` : `${image}\n`);
        }
      },
    );

  program
    .command('version')
    .description('print the version')
    .action(() => {
      streams.stdout.write(
        `ra2-conformance ${packageVersion()} (releases: ${listReleases().join(', ')})\n`,
      );
    });

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version displays are not errors
      if (
        err.exitCode === 0 ||
        err.code === 'commander.helpDisplayed' ||
        err.code === 'commander.help'
      )
        return 0;
      streams.stderr.write(
        `ra2: ${err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')}\n`,
      );
      return EXIT_USAGE_OR_ENVIRONMENT;
    }
    if (
      err instanceof UsageError ||
      err instanceof EnvironmentError ||
      err instanceof UnknownReleaseError
    ) {
      streams.stderr.write(`ra2: ${oneLine(err)}\n`);
      return EXIT_USAGE_OR_ENVIRONMENT;
    }
    streams.stderr.write(`ra2: unexpected error: ${oneLine(err)}\n`);
    return EXIT_USAGE_OR_ENVIRONMENT;
  }
}
