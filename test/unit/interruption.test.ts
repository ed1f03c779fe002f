/**
 * One interruption, one verdict: the runner records why a run stopped as a
 * structured cause, and `ra2 run` and the Sonobuoy plugin, both driving the
 * real runner, report the same statuses for the same SIGINT. A row cut short
 * or never started was not observed: skipped, never error.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { run } from '../../cli/ra2/run.js';
import { runPlugin } from '../../cli/sonobuoy/plugin.js';
import { JSON_FILE, RESULTS_SUBDIR } from '../../cli/sonobuoy/results-dir.js';
import type { Reporter, RunReport } from '../../helpers/framework/result.js';
import { runSuite } from '../../helpers/framework/runner.js';
import { fakeRunOptions, fakeSuite, FAKE_ROWS } from './fake-run.js';

const quiet = () => ({ write: () => true });

/** What both entry points are compared on, row by row. */
interface Row {
  id: string;
  status: string;
  cause?: string;
  message: string;
}

function rowsOf(results: RunReport['results']): Row[] {
  return results.map((r) => ({
    id: r.row.id,
    status: r.status,
    cause: r.interruption?.cause,
    message: r.message,
  }));
}

/** A suite whose third check hangs until the run stops; SIGINT arrives while it does. */
function interruptedAtThirdCheck(events: EventEmitter) {
  return fakeRunOptions(fakeSuite(2, () => setImmediate(() => events.emit('SIGINT', 'SIGINT'))));
}

async function throughCli(
  parallel: number,
): Promise<{ code: number; rows: Row[]; report: RunReport }> {
  const events = new EventEmitter();
  let report: RunReport | undefined;
  const keep: Reporter = { name: 'keep', onRunEnd: (r) => void (report = r) };
  const code = await run(
    ['run', '--profile', 'basic', '--parallel', String(parallel)],
    { stdout: quiet(), stderr: quiet() },
    { events, runOptions: interruptedAtThirdCheck(events), reporters: [keep] },
  );
  if (!report) throw new Error('the CLI reported no run');
  return { code, rows: rowsOf(report.results), report };
}

async function throughPlugin(
  dir: string,
  parallel: number,
): Promise<{ code: number; rows: Row[] }> {
  const events = new EventEmitter();
  const code = await runPlugin(
    { SONOBUOY_RESULTS_DIR: dir, RA2_PROFILE: 'basic', RA2_PARALLEL: String(parallel) },
    { stdout: quiet(), stderr: quiet() },
    { events, runOptions: interruptedAtThirdCheck(events) },
  );
  const json = JSON.parse(readFileSync(path.join(dir, RESULTS_SUBDIR, JSON_FILE), 'utf8')) as {
    results: { id: string; status: string; message: string; interruption?: { cause: string } }[];
  };
  const rows = json.results.map((r) => ({
    id: r.id,
    status: r.status,
    cause: r.interruption?.cause,
    message: r.message,
  }));
  return { code, rows };
}

describe('an interrupted run', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ra2-interruption-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives the same verdicts through ra2 run and the Sonobuoy plugin on SIGINT (one check at a time)', async () => {
    const cli = await throughCli(1);
    const plugin = await throughPlugin(dir, 1);
    expect(cli.rows.map((r) => r.id)).to.deep.equal(FAKE_ROWS);
    expect(cli.rows.map((r) => [r.status, r.cause])).to.deep.equal([
      ['passed', undefined],
      ['passed', undefined],
      ['skipped', 'signal'],
      ['skipped', 'signal'],
      ['skipped', 'signal'],
    ]);
    expect(plugin.rows.map((r) => [r.id, r.status, r.cause])).to.deep.equal(
      cli.rows.map((r) => [r.id, r.status, r.cause]),
    );
    expect(cli.rows[2]?.message).to.match(/^SIGINT received: cut short after \d+s, no verdict$/);
    expect(cli.rows[3]?.message).to.equal('SIGINT received: not run');
    expect(plugin.rows[3]?.message).to.equal(cli.rows[3]?.message);
    // both exit 2 for a signal; a cut-short MUST row is not observed, so the outcome is incomplete
    expect([cli.code, plugin.code]).to.deep.equal([2, 2]);
    expect(cli.report.exitCode).to.equal(3);
    expect(cli.report.interruption).to.deep.equal({ cause: 'signal', detail: 'SIGINT received' });
    expect(cli.report.interrupted).to.equal('SIGINT received');
  });

  it('gives the same verdicts through both when checks run at once: the running one cut short, the others done', async () => {
    const cli = await throughCli(5);
    const plugin = await throughPlugin(dir, 5);
    expect(cli.rows.map((r) => [r.id, r.status, r.cause])).to.deep.equal(
      FAKE_ROWS.map((id, i) => (i === 2 ? [id, 'skipped', 'signal'] : [id, 'passed', undefined])),
    );
    expect(plugin.rows.map((r) => [r.id, r.status, r.cause])).to.deep.equal(
      cli.rows.map((r) => [r.id, r.status, r.cause]),
    );
    expect(cli.rows[2]?.message).to.match(/^SIGINT received: cut short after \d+s, no verdict$/);
    expect([cli.code, plugin.code]).to.deep.equal([2, 2]);
  });

  it('stops at the deadline the runner owns, with the same statuses and cause "deadline"', async () => {
    const report = await runSuite({
      ...fakeRunOptions(fakeSuite(1)),
      profile: 'basic',
      parallel: 1,
      deadline: { ms: 100 },
    });
    expect(rowsOf(report.results).map((r) => [r.status, r.cause])).to.deep.equal([
      ['passed', undefined],
      ['skipped', 'deadline'],
      ['skipped', 'deadline'],
      ['skipped', 'deadline'],
      ['skipped', 'deadline'],
    ]);
    expect(report.interruption).to.deep.equal({
      cause: 'deadline',
      detail: 'deadline reached (100ms)',
    });
    expect(report.results[2]?.message).to.equal('deadline reached (100ms): not run');
  });

  it('copies what each check observes onto its result', async () => {
    const report = await runSuite({
      ...fakeRunOptions(fakeSuite(-1)),
      profile: 'basic',
    });
    expect(report.results.map((r) => r.status)).to.deep.equal(FAKE_ROWS.map(() => 'passed'));
    expect(report.results[0]?.observes).to.equal('the fake observation of ra2.k8s.001');
  });
});
