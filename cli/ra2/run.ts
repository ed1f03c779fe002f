/**
 * The `ra2` command line: parse, hand each command to its module, and print
 * every error in one place as one line. Exit codes: 0 no must-level failure,
 * 1 a must-level failure, 2 usage or environment error (or an interrupted run).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { listReleases, UnknownReleaseError } from '../../catalog/index.js';
import { EXIT_USAGE_OR_ENVIRONMENT } from '../../helpers/framework/result.js';
import { settingNamed } from '../../helpers/framework/settings.js';
import { EnvironmentError, oneLine, UsageError } from '../../helpers/k8s/errors.js';
import { allSuites } from '../../suites/index.js';
import { usedImages } from './images.js';
import { listLines } from './list.js';
import { optionFor, runOptions, settingsFromFlags } from './options.js';
import { runChecks, type CliDeps, type Streams } from './run-command.js';

export type { CliDeps, Streams };

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

function buildProgram(streams: Streams, deps: CliDeps, setExitCode: (code: number) => void) {
  const program = new Command('ra2')
    .description('Check a live Kubernetes cluster against Anuket RA2 chapter 4')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => streams.stdout.write(text),
      writeErr: (text) => streams.stderr.write(text),
      outputError: () => {}, // printed once, as one line, by run()
    });

  const runCommand = program
    .command('run')
    .description('run the conformance checks against a cluster');
  for (const option of runOptions()) runCommand.addOption(option);
  runCommand.action(async (flags: Record<string, unknown>) => {
    setExitCode(await runChecks(settingsFromFlags(flags), streams, deps));
  });

  program
    .command('list')
    .description('list the catalog with each check kind, level, condition and what it observes')
    .addOption(optionFor(settingNamed('release')))
    .action((flags: { release: string }) => {
      for (const line of listLines(flags.release, deps.runOptions?.suites ?? allSuites))
        streams.stdout.write(`${line}\n`);
    });

  program
    .command('images')
    .description(
      'list every image a run uses, with --image-prefix applied (for air-gapped registries)',
    )
    .addOption(optionFor(settingNamed('probeImage')))
    .addOption(optionFor(settingNamed('imagePrefix')))
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
  return program;
}

/** The one place errors are printed: one line, exit code 2. */
function reportError(err: unknown, streams: Streams): number {
  if (err instanceof CommanderError) {
    // help and version displays are not errors
    if (
      err.exitCode === 0 ||
      err.code === 'commander.helpDisplayed' ||
      err.code === 'commander.help'
    )
      return 0;
    streams.stderr.write(`ra2: ${err.message.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ')}\n`);
  } else if (
    err instanceof UsageError ||
    err instanceof EnvironmentError ||
    err instanceof UnknownReleaseError
  ) {
    streams.stderr.write(`ra2: ${oneLine(err)}\n`);
  } else {
    streams.stderr.write(`ra2: unexpected error: ${oneLine(err)}\n`);
  }
  return EXIT_USAGE_OR_ENVIRONMENT;
}

export async function run(
  argv: readonly string[],
  streams: Streams,
  deps: CliDeps = {},
): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(streams, deps, (code) => (exitCode = code));
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (err) {
    return reportError(err, streams);
  }
}
