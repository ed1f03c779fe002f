/**
 * The `ra2` command line: parse, hand each command to its module, and print
 * every error in one place as one line. Exit codes of `ra2 run` (and of
 * `ra2 results`, for the run in a Sonobuoy tarball): 0
 * conformant, 1 not conformant (a MUST row failed), 3 incomplete (no MUST
 * failure, but MUST rows not observed), 2 usage or environment error (or an
 * interrupted run).
 */
import { Command, CommanderError } from 'commander';
import { listReleases, UnknownReleaseError } from '../../catalog/index.js';
import { loadAttestations } from '../../helpers/framework/attestations.js';
import { EXIT_USAGE_OR_ENVIRONMENT } from '../../helpers/framework/result.js';
import { settingNamed } from '../../helpers/framework/settings.js';
import { EnvironmentError, oneLine, UsageError } from '../../helpers/k8s/errors.js';
import type { Profile } from '../../catalog/types.js';
import { allSuites } from '../../suites/index.js';
import { attestationTemplate, validateAttestationFile } from './attest.js';
import { addImagesCommand } from './images.js';
import { listLines } from './list.js';
import { addPluginCommand } from './plugin-command.js';
import { optionFor, runOptions, settingsFromFlags } from './options.js';
import { packageVersion } from './package-version.js';
import { showResults } from './results.js';
import { runChecks, writeFile, type CliDeps, type Streams } from './run-command.js';

export type { CliDeps, Streams };

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
    .command('results')
    .description(
      "print a retrieved Sonobuoy tarball's ra2 results as `ra2 run` ends a run, with its exit code",
    )
    .argument('<tarball>', 'the .tar.gz `sonobuoy retrieve` wrote')
    .action((tarball: string) => setExitCode(showResults(tarball, streams)));

  addAttestCommands(program, streams, deps, setExitCode);

  addImagesCommand(program, streams.stdout, packageVersion());
  addPluginCommand(program, streams.stdout, packageVersion());

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

/** `ra2 attest init` and `ra2 attest validate FILE`. */
function addAttestCommands(
  program: Command,
  streams: Streams,
  deps: CliDeps,
  setExitCode: (code: number) => void,
): void {
  const suites = () => deps.runOptions?.suites ?? allSuites;
  const attest = program
    .command('attest')
    .description(
      'the attestation workflow: a template of the rows that take evidence, and a check of a filled-in file',
    );
  attest
    .command('init')
    .description('write a template with every row that takes an attestation (YAML)')
    .addOption(optionFor(settingNamed('release')))
    .option('--profile <profile>', 'only the rows of this profile (basic or network-intensive)')
    .option('--output <file>', 'write the template to this file instead of standard output')
    .action((flags: { release: string; profile?: string; output?: string }) => {
      if (flags.profile && flags.profile !== 'basic' && flags.profile !== 'network-intensive')
        throw new UsageError(
          `--profile: expected basic or network-intensive, got ${flags.profile}`,
        );
      const template = attestationTemplate(flags.release, suites(), flags.profile as Profile);
      if (flags.output) {
        writeFile(flags.output, template);
        streams.stdout.write(`wrote ${flags.output}\n`);
      } else streams.stdout.write(template);
    });
  attest
    .command('validate')
    .description(
      'check an attestations file: known ids that take attestations, no empty field, none expired',
    )
    .argument('<file>', 'the attestations file (YAML or JSON)')
    .addOption(optionFor(settingNamed('release')))
    .action((file: string, flags: { release: string }) => {
      const problems = validateAttestationFile(file, flags.release, suites());
      for (const problem of problems) streams.stderr.write(`ra2: ${problem}\n`);
      if (problems.length > 0) return setExitCode(EXIT_USAGE_OR_ENVIRONMENT);
      const attestations = loadAttestations(file);
      streams.stdout.write(
        `${file}: ${attestations.size} attestation(s) valid; sha256 ${attestations.file?.sha256 ?? ''}\n`,
      );
    });
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
