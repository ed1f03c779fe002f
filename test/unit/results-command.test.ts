import { EventEmitter } from 'node:events';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { expect } from 'chai';
import { findResultsJson } from '../../cli/ra2/results.js';
import { run } from '../../cli/ra2/run.js';
import { runPlugin } from '../../cli/sonobuoy/plugin.js';
import {
  HTML_REPORT_FILE,
  JSON_FILE,
  RESULTS_SUBDIR,
  writeResults,
} from '../../cli/sonobuoy/results-dir.js';
import type { RunReport } from '../../helpers/framework/result.js';
import { ConsoleReporter } from '../../helpers/reporters/console.js';
import { renderJson } from '../../helpers/reporters/json.js';
import { fakeRunOptions, fakeSuite } from './fake-run.js';
import { capture, report, result } from './fixtures.js';
import { systemTarball } from './tarball-fixture.js';

/** What `ra2 run` prints for a report: its first line, then the summary it ends with. */
function consoleOf(r: RunReport): string {
  const io = capture();
  const reporter = new ConsoleReporter(io.streams.stdout);
  reporter.onRunStart(r.info);
  reporter.onRunEnd(r);
  return io.out.join('');
}

/** Every outcome, with each kind of row the summary names. */
const reports: Record<string, RunReport> = {
  'not-conformant': report([
    result('ra2.k8s.001', 'passed'),
    result('ra2.k8s.002', 'failed', { expected: '3 etcd members', observed: '1' }),
    result('ra2.k8s.003', 'failed'), // SHOULD
    result('ra2.ch.001', 'skipped', {
      sectionTitle: '4.2 Kubernetes Node',
      applicability: 'not-applicable',
    }),
    result('ra2.k8s.004', 'error', { message: 'timed out' }),
  ]),
  incomplete: report([
    result('ra2.k8s.001', 'passed'),
    result('ra2.k8s.002', 'skipped', {
      interruption: { cause: 'deadline', detail: 'deadline reached (RA2_DEADLINE=1m)' },
    }),
  ]),
  conformant: report([
    result('ra2.k8s.001', 'passed'),
    result('ra2.k8s.002', 'passed', {
      kind: 'attest',
      attestation: { attestedBy: 'ops', statement: 'three members' },
    }),
  ]),
};

describe('ra2 results', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ra2-results-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** A tarball laid out as `sonobuoy retrieve` writes it, with FILES under the plugin's results. */
  function tarball(files: Record<string, string>, format = 'gnu'): string {
    const at = Object.fromEntries(
      Object.entries(files).map(([name, text]) => [`plugins/ra2/results/global/${name}`, text]),
    );
    const file = path.join(dir, `sonobuoy_${format}.tar.gz`);
    writeFileSync(
      file,
      systemTarball(dir, { ...at, 'meta/run.log': 'aggregator log\n' }, format, '.'),
    );
    return file;
  }

  for (const [outcome, r] of Object.entries(reports)) {
    it(`prints what ra2 run ends with and exits ${r.exitCode} for the outcome ${outcome}`, async () => {
      const io = capture();
      const file = tarball({ [JSON_FILE]: renderJson(r) + '\n' });
      expect(await run(['results', file], io.streams)).to.equal(r.exitCode);
      expect(r.outcome).to.equal(outcome);
      expect(io.out.join('')).to.equal(
        `Results of the Sonobuoy plugin in ${file} (./plugins/ra2/results/global/${JSON_FILE})\n${consoleOf(r)}`,
      );
      expect(io.out.join('')).to.contain(`Outcome: ${outcome} (exit ${r.exitCode})`);
      expect(io.err.join('')).to.equal('');
    });
  }

  it('reads the tarball of a plugin run and agrees with ra2 run on the same checks', async () => {
    const resultsDir = path.join(dir, 'plugin');
    const pluginCode = await runPlugin(
      { SONOBUOY_RESULTS_DIR: resultsDir, RA2_PROFILE: 'basic', RA2_FOCUS: 'ra2.k8s.*' },
      { stdout: capture().streams.stdout, stderr: capture().streams.stderr },
      { runOptions: fakeRunOptions(fakeSuite(-1)), events: new EventEmitter() },
    );
    expect(pluginCode).to.equal(0);
    const written = path.join(resultsDir, RESULTS_SUBDIR);
    const files = Object.fromEntries(
      readdirSync(written).map((name) => [name, readFileSync(path.join(written, name), 'utf8')]),
    );
    expect(Object.keys(files)).to.include(HTML_REPORT_FILE);
    const fromTarball = capture();
    const code = await run(['results', tarball(files, 'pax')], fromTarball.streams);

    const direct = capture();
    const directCode = await run(
      ['run', '--profile', 'basic', '--focus', 'ra2.k8s.*'],
      direct.streams,
      { runOptions: fakeRunOptions(fakeSuite(-1)), events: new EventEmitter() },
    );
    expect(code).to.equal(directCode);
    const summary = (text: string) => text.slice(text.indexOf('\nsection'));
    expect(summary(fromTarball.out.join(''))).to.equal(summary(direct.out.join('')));
    expect(summary(direct.out.join(''))).to.match(/Outcome: \w+/);
  });

  it('writes the HTML report into the plugin results', () => {
    const written = writeResults(dir, reports['not-conformant']!);
    const html = readFileSync(path.join(written, HTML_REPORT_FILE), 'utf8');
    expect(html).to.match(/^<!DOCTYPE html>/i);
    expect(html).to.contain('not-conformant');
  });

  it("prefers the ra2 plugin's results and reads names with a ./ prefix", () => {
    const entry = (name: string) => ({ name, type: 'file' as const, data: Buffer.from(name) });
    const found = findResultsJson([
      entry(`plugins/other/results/global/${JSON_FILE}`),
      entry(`./plugins/ra2/results/global/${JSON_FILE}`),
      entry(`plugins/ra2/sonobuoy_results.yaml`),
    ]);
    expect(found?.name).to.equal(`./plugins/ra2/results/global/${JSON_FILE}`);
    expect(findResultsJson([entry(`resources/${JSON_FILE}`)])).to.equal(undefined);
  });

  const refusals: [string, () => string, RegExp][] = [
    [
      'a file that does not exist',
      () => path.join(dir, 'nope.tar.gz'),
      /^ra2: cannot read .*nope\.tar\.gz: .*ENOENT/,
    ],
    [
      'a file that is not gzip',
      () => {
        writeFileSync(path.join(dir, 'x.tar.gz'), 'plain text');
        return path.join(dir, 'x.tar.gz');
      },
      /^ra2: .*x\.tar\.gz: not a gzip'd tar archive/,
    ],
    [
      'a gzip that is not a tar',
      () => {
        writeFileSync(path.join(dir, 'x.tar.gz'), gzipSync(Buffer.alloc(2048, 'q')));
        return path.join(dir, 'x.tar.gz');
      },
      /^ra2: .*x\.tar\.gz: not a tar archive: bad header checksum/,
    ],
    [
      'a tarball without ra2 results',
      () => tarball({ 'ra2-junit.xml': '<testsuites/>' }),
      /^ra2: .*holds no ra2 results \(no plugins\/<plugin>\/results\/\.\.\.\/ra2-results\.json\)/,
    ],
    [
      'results that are not JSON',
      () => tarball({ [JSON_FILE]: '{"outcome": ' }),
      /^ra2: .*ra2-results\.json is not JSON: /,
    ],
    [
      'JSON that is not ra2 results',
      () => tarball({ [JSON_FILE]: '{"outcome": "green", "results": []}' }),
      /^ra2: .*ra2-results\.json is not ra2 results \(no results list or outcome\)/,
    ],
  ];
  for (const [what, make, message] of refusals) {
    it(`exits 2 with one line for ${what}`, async () => {
      const io = capture();
      expect(await run(['results', make()], io.streams)).to.equal(2);
      expect(io.err.join('')).to.match(message);
      expect(io.err.join('').trim().split('\n')).to.have.length(1);
      expect(io.err.join('')).not.to.contain('    at ');
      expect(io.out.join('')).to.equal('');
    });
  }

  it('needs the tarball argument', async () => {
    const io = capture();
    expect(await run(['results'], io.streams)).to.equal(2);
    expect(io.err.join('')).to.match(/^ra2: missing required argument 'tarball'/);
  });
});
