/**
 * The run's outcome on the basic cluster, for focused runs (the full run's
 * not-conformant is in run-basic.test.ts): an attest row without an
 * attestation leaves the run incomplete (exit 3); the same row attested in a
 * file that `ra2 attest init` wrote and an operator filled in makes it
 * conformant (exit 0); a --focus that matches no row is a usage error (exit 2,
 * one line).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import {
  EXIT_CONFORMANT,
  EXIT_INCOMPLETE,
  EXIT_USAGE_OR_ENVIRONMENT,
} from '../../helpers/framework/result.js';
import { describeResult, lines, outputDir, runCli } from './support/cli.js';
import { requireKubeconfig } from './support/env.js';
import { expectOutcomeExit, readCompletedReport, resultOf } from './support/results.js';
import { e2eTimeouts, withMargin } from './support/timeouts.js';

/** A MUST attest row: the suite cannot observe it, only an attestation can pass it. */
const attestRow = 'ra2.ch.004';

/** The template's entry for `id` alone, every field filled in, as JSON. */
function filledInEntry(template: string, id: string): string {
  const entries = parseYaml(template) as Record<string, Record<string, string>>;
  const entry = entries[id];
  if (!entry) throw new Error(`the template has no entry for ${id}`);
  const filled = Object.fromEntries(Object.keys(entry).map((field) => [field, `${field} given`]));
  return JSON.stringify({ [id]: filled }, null, 2);
}

describe('the outcome of focused runs on the basic cluster', function () {
  this.timeout(withMargin(e2eTimeouts.focusedRun));
  const kubeconfig = requireKubeconfig('basic');

  it(`--focus ${attestRow} without attestations: incomplete, exit 3, the row not observed`, async () => {
    const file = path.join(outputDir('incomplete'), 'results.json');
    const run = await runCli(
      ['run', '--kubeconfig', kubeconfig, '--focus', attestRow, '--json', file],
      e2eTimeouts.focusedRun,
    );
    const report = readCompletedReport(run, file);
    const result = resultOf(report, attestRow);
    expect(result.level).to.equal('must');
    expect(result.status, result.message).to.equal('skipped');
    expect(result.finding).to.equal('not-observed');
    expect(report.notObservedMustRows.map((r) => r.id)).to.deep.equal([attestRow]);
    expect(report.outcome).to.equal('incomplete');
    expect(run.exitCode, describeResult(run)).to.equal(EXIT_INCOMPLETE);
    expectOutcomeExit(run, report);
  });

  it(`--focus ${attestRow} attested in a filled-in template: conformant, exit 0, the row attested`, async () => {
    const dir = outputDir('conformant');
    const template = path.join(dir, 'template.yaml');
    const init = await runCli(
      ['attest', 'init', '--profile', 'basic', '--output', template],
      e2eTimeouts.environmentError,
    );
    expect(init.exitCode, describeResult(init)).to.equal(0);
    const attestations = path.join(dir, 'attestations.json');
    writeFileSync(attestations, filledInEntry(readFileSync(template, 'utf8'), attestRow));

    const file = path.join(dir, 'results.json');
    const run = await runCli(
      [
        'run',
        '--kubeconfig',
        kubeconfig,
        '--focus',
        attestRow,
        '--attestations',
        attestations,
        '--json',
        file,
      ],
      e2eTimeouts.focusedRun,
    );
    const report = readCompletedReport(run, file);
    const result = resultOf(report, attestRow);
    expect(result.status, result.message).to.equal('passed');
    expect(result.finding).to.equal('attested');
    expect(report.outcome).to.equal('conformant');
    expect(run.exitCode, describeResult(run)).to.equal(EXIT_CONFORMANT);
    expectOutcomeExit(run, report);
  });

  it('--focus nothing.matches: exit 2, one line naming the pattern', async () => {
    const run = await runCli(
      ['run', '--kubeconfig', kubeconfig, '--focus', 'nothing.matches'],
      e2eTimeouts.environmentError,
    );
    expect(run.exitCode, describeResult(run)).to.equal(EXIT_USAGE_OR_ENVIRONMENT);
    expect(lines(run.stderr), describeResult(run)).to.have.length(1);
    expect(run.stderr).to.match(/^ra2: --focus "nothing\.matches" matches no row/);
    expect(run.stderr).to.not.match(/^\s+at /m);
  });
});
