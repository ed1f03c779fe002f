import { EventEmitter } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { DEFAULT_DEADLINE, pluginConfigFromEnv } from '../../cli/sonobuoy/config.js';
import { runPlugin } from '../../cli/sonobuoy/plugin.js';
import {
  DONE_FILE,
  JSON_FILE,
  JUNIT_FILE,
  REPORT_FILE,
  RESULTS_SUBDIR,
} from '../../cli/sonobuoy/results-dir.js';
import { formatDuration, parseDuration } from '../../helpers/k8s/duration.js';
import { EnvironmentError } from '../../helpers/k8s/errors.js';
import { bindSuites, defineSuite } from '../../helpers/framework/registry.js';
import {
  type RunReport,
  type CheckResult,
  buildRunReport,
} from '../../helpers/framework/result.js';
import type { RunOptions, runSuite } from '../../helpers/framework/runner.js';
import { DEFAULT_PARALLEL } from '../../helpers/framework/scheduler.js';
import { isSelected } from '../../helpers/framework/selection.js';
import { allSuites } from '../../suites/index.js';
import { fakeRunOptions, fakeSuite, FAKE_ROWS } from './fake-run.js';
import { catalog } from './fixtures.js';

interface Case {
  name: string;
  failure?: unknown;
  error?: { message: string };
  skipped?: { message: string } | string;
  properties: { property: { name: string; value: string }[] };
}

function cases(xml: string): Case[] {
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testcase', 'property', 'testsuite'].includes(name),
  }).parse(xml) as { testsuites: { testsuite: { testcase?: Case[] }[] } };
  return doc.testsuites.testsuite[0]?.testcase ?? [];
}
const idOf = (c: Case) => c.properties.property.find((p) => p.name === 'id')?.value;
const statusOf = (c: Case) => c.properties.property.find((p) => p.name === 'status')?.value;
const skipMessage = (c: Case) => (typeof c.skipped === 'object' ? c.skipped.message : c.skipped);

const sink = () => {
  const lines: string[] = [];
  return { lines, write: (t: string) => lines.push(t) };
};

/**
 * A stand-in for the runner that drives the reporters as runSuite does, for
 * the ways out the real runner cannot be made to take: it throws, or its
 * `hangAt` check never returns, whatever the run's signal says.
 */
function fakeRunner(behaviour: {
  hangAt?: number;
  throws?: Error;
  onStarted?: () => void;
}): typeof runSuite {
  return async (options: RunOptions): Promise<RunReport> => {
    if (behaviour.throws) throw behaviour.throws;
    const checks = bindSuites(catalog, options.suites).filter((c) =>
      isSelected(c.row.id, options.focus ?? [], options.skip ?? []),
    );
    const info = {
      runId: 'fake-run',
      release: catalog.release,
      releaseTitle: catalog.title,
      profile: 'basic' as const,
      profileSource: 'given',
      startedAt: new Date().toISOString(),
      total: checks.length,
    };
    for (const r of options.reporters ?? []) await r.onRunStart?.(info);
    const results: CheckResult[] = [];
    for (const [index, check] of checks.entries()) {
      if (index === behaviour.hangAt) {
        behaviour.onStarted?.();
        await new Promise<void>(() => {});
      }
      const result: CheckResult = {
        row: check.row,
        sectionTitle: '4.x',
        kind: check.options.kind,
        status: 'passed',
        message: 'fine',
        log: [],
        durationMs: 10,
        startedAt: new Date().toISOString(),
      };
      results.push(result);
      for (const r of options.reporters ?? []) await r.onCheckEnd?.(result, index, checks.length);
    }
    const report = buildRunReport(info, results, new Date().toISOString());
    for (const r of options.reporters ?? []) await r.onRunEnd?.(report);
    return report;
  };
}

describe('Sonobuoy plugin entry point', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'ra2-sonobuoy-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const junit = () => cases(readFileSync(path.join(dir, RESULTS_SUBDIR, JUNIT_FILE), 'utf8'));
  const done = () => readFileSync(path.join(dir, DONE_FILE), 'utf8');
  const everyRow = bindSuites(catalog, allSuites).map((c) => c.row.id);

  describe('configuration', () => {
    it('reads Go-style durations, and prints them so they read back', () => {
      expect(parseDuration('2h50m')).to.equal((2 * 60 + 50) * 60_000);
      expect(parseDuration('90s')).to.equal(90_000);
      expect(parseDuration('1h30m15s')).to.equal(5_415_000);
      expect(parseDuration('500ms')).to.equal(500);
      expect(parseDuration('1.5h')).to.equal(5_400_000);
      expect(parseDuration('45')).to.equal(45_000);
      for (const bad of ['', 'abc', '5x', '5m junk', '0s', '-5m'])
        expect(() => parseDuration(bad), bad).to.throw(/duration/);
      expect(formatDuration(parseDuration(DEFAULT_DEADLINE))).to.equal('2h50m0s');
      for (const ms of [500, 1000, 30_000, 90_000, 300_000, 10_200_000])
        expect(parseDuration(formatDuration(ms)), String(ms)).to.equal(ms);
      expect(formatDuration(30_000)).to.equal('30s');
      expect(formatDuration(300_000)).to.equal('5m0s');
    });

    it('has defaults for everything but the results directory', () => {
      const config = pluginConfigFromEnv({ SONOBUOY_RESULTS_DIR: '/r' });
      expect(config).to.deep.include({
        resultsDir: '/r',
        profile: 'auto',
        focus: [],
        skip: [],
        disruptive: false,
        parallel: DEFAULT_PARALLEL,
        deadlineText: '2h50m',
        deadlineMs: 10_200_000,
        timeoutMs: undefined,
        imagePrefix: undefined,
      });
      // below Sonobuoy's plugin timeout (v0.57.3: 21600s by default; 3h is a common choice)
      expect(config.deadlineMs).to.be.below(3 * 3_600_000);
    });

    it('reads every key', () => {
      const config = pluginConfigFromEnv({
        SONOBUOY_RESULTS_DIR: '/r',
        RA2_PROFILE: 'network-intensive',
        RA2_FOCUS: 'ra2.k8s.*, ra2.ch.001',
        RA2_SKIP: 'ra2.k8s.010',
        RA2_DISRUPTIVE: 'true',
        RA2_PROBE_IMAGE: 'mirror/agnhost:1',
        RA2_IMAGE_PREFIX: 'registry.local:5000/m',
        RA2_TIMEOUT: '7m',
        RA2_DEADLINE: '1h',
        RA2_PARALLEL: '3',
        RA2_TIMEOUT_POD_START: '4m',
        RA2_TIMEOUT_EXEC: '45s',
      });
      expect(config).to.deep.include({
        profile: 'network-intensive',
        focus: ['ra2.k8s.*', 'ra2.ch.001'],
        skip: ['ra2.k8s.010'],
        disruptive: true,
        probeImage: 'mirror/agnhost:1',
        imagePrefix: 'registry.local:5000/m',
        timeoutMs: 420_000,
        deadlineMs: 3_600_000,
        parallel: 3,
      });
      expect(config.timeouts).to.deep.equal({ podStart: 240_000, exec: 45_000 });
    });

    it('names every bad key in one message', () => {
      expect(() =>
        pluginConfigFromEnv({
          SONOBUOY_RESULTS_DIR: '/r',
          RA2_PROFILE: 'huge',
          RA2_DISRUPTIVE: 'maybe',
          RA2_DEADLINE: 'soon',
          RA2_PARALLEL: '0',
        }),
      ).to.throw(/RA2_PROFILE.*RA2_DISRUPTIVE.*RA2_DEADLINE.*RA2_PARALLEL/);
    });
  });

  it('refuses to run without SONOBUOY_RESULTS_DIR', async () => {
    const err = sink();
    expect(await runPlugin({}, { stdout: sink(), stderr: err })).to.equal(2);
    expect(err.lines.join('')).to.contain('SONOBUOY_RESULTS_DIR');
  });

  it('writes the JUnit file, JSON, report and then the done file naming the results directory', async () => {
    const code = await runPlugin(
      { SONOBUOY_RESULTS_DIR: dir, RA2_FOCUS: 'ra2.k8s.*' },
      { stdout: sink(), stderr: sink() },
      { runSuite: fakeRunner({}), events: new EventEmitter() },
    );
    expect(code).to.equal(0);
    expect(done()).to.equal(path.join(dir, RESULTS_SUBDIR));
    // the worker sidecar (another user) writes its tarball into the directory
    expect(statSync(path.join(dir, RESULTS_SUBDIR)).mode & 0o777).to.equal(0o777);
    for (const file of [JUNIT_FILE, JSON_FILE, REPORT_FILE])
      expect(existsSync(path.join(dir, RESULTS_SUBDIR, file)), file).to.equal(true);
    const got = junit();
    expect(got.map(idOf)).to.deep.equal(everyRow.filter((id) => id.startsWith('ra2.k8s.')));
    expect(got.every((c) => statusOf(c) === 'passed')).to.equal(true);
  });

  it('at its deadline reports what finished and the rest as skipped "deadline reached"', async () => {
    const code = await runPlugin(
      { SONOBUOY_RESULTS_DIR: dir, RA2_DEADLINE: '300ms', RA2_PROFILE: 'basic', RA2_PARALLEL: '1' },
      { stdout: sink(), stderr: sink() },
      { runOptions: fakeRunOptions(fakeSuite(2)), events: new EventEmitter() },
    );
    expect(code).to.equal(0);
    const got = junit();
    expect(got.map(idOf)).to.deep.equal(FAKE_ROWS);
    expect(got.slice(0, 2).map(statusOf)).to.deep.equal(['passed', 'passed']);
    for (const c of got.slice(2)) {
      expect(statusOf(c)).to.equal('skipped');
      expect(skipMessage(c)).to.match(/^deadline reached \(RA2_DEADLINE=300ms\)/);
    }
    expect(skipMessage(got[2]!)).to.contain('cut short');
    expect(done()).to.equal(path.join(dir, RESULTS_SUBDIR));
  });

  it('writes partial results when the runner does not stop after the deadline', async () => {
    const code = await runPlugin(
      { SONOBUOY_RESULTS_DIR: dir, RA2_DEADLINE: '200ms' },
      { stdout: sink(), stderr: sink() },
      {
        runSuite: fakeRunner({ hangAt: 1 }),
        events: new EventEmitter(),
        deadlineGraceMs: 100,
      },
    );
    expect(code).to.equal(0);
    const got = junit();
    expect(got).to.have.length(everyRow.length);
    expect(statusOf(got[0]!)).to.equal('passed');
    expect(got.slice(1).every((c) => statusOf(c) === 'skipped')).to.equal(true);
    expect(skipMessage(got[1]!)).to.equal('deadline reached (RA2_DEADLINE=200ms): not run');
  });

  it('on SIGTERM writes the results within its grace and exits 2', async () => {
    const events = new EventEmitter();
    const code = await runPlugin(
      { SONOBUOY_RESULTS_DIR: dir },
      { stdout: sink(), stderr: sink() },
      {
        runSuite: fakeRunner({
          hangAt: 3,
          onStarted: () => setImmediate(() => events.emit('SIGTERM', 'SIGTERM')),
        }),
        events,
        signalGraceMs: 100,
      },
    );
    expect(code).to.equal(2);
    const got = junit();
    expect(got).to.have.length(everyRow.length);
    expect(got.slice(0, 3).every((c) => statusOf(c) === 'passed')).to.equal(true);
    expect(skipMessage(got[3]!)).to.equal('SIGTERM received: not run');
    expect(events.listenerCount('SIGTERM')).to.equal(0);
  });

  it('on a crash writes what finished, the rest as errors, and exits 1', async () => {
    const events = new EventEmitter();
    const code = await runPlugin(
      { SONOBUOY_RESULTS_DIR: dir },
      { stdout: sink(), stderr: sink() },
      {
        runSuite: fakeRunner({
          hangAt: 1,
          onStarted: () => setImmediate(() => events.emit('uncaughtException', new Error('boom'))),
        }),
        events,
      },
    );
    expect(code).to.equal(1);
    const got = junit();
    expect(statusOf(got[0]!)).to.equal('passed');
    expect(got[1]!.error?.message).to.equal('not run: the suite stopped: crashed: boom');
    expect(done()).to.equal(path.join(dir, RESULTS_SUBDIR));
  });

  it('on an environment error (e.g. preflight) reports every selected row as an error', async () => {
    const code = await runPlugin(
      { SONOBUOY_RESULTS_DIR: dir, RA2_FOCUS: 'ra2.stg.*' },
      { stdout: sink(), stderr: sink() },
      {
        runSuite: fakeRunner({ throws: new EnvironmentError('cannot reach the API server') }),
        events: new EventEmitter(),
      },
    );
    expect(code).to.equal(2);
    const got = junit();
    expect(got.map(idOf)).to.deep.equal(everyRow.filter((id) => id.startsWith('ra2.stg.')));
    expect(got.every((c) => c.error?.message.includes('cannot reach the API server'))).to.equal(
      true,
    );
  });

  it('on a bad configuration still writes every row and the done file', async () => {
    const err = sink();
    const code = await runPlugin(
      { SONOBUOY_RESULTS_DIR: dir, RA2_PROFILE: 'huge' },
      { stdout: sink(), stderr: err },
      { runSuite: fakeRunner({ throws: new Error('must not run') }), events: new EventEmitter() },
    );
    expect(code).to.equal(2);
    expect(err.lines.join('')).to.contain('RA2_PROFILE');
    const got = junit();
    expect(got).to.have.length(everyRow.length);
    expect(got.every((c) => c.error?.message.includes('RA2_PROFILE'))).to.equal(true);
    expect(done()).to.equal(path.join(dir, RESULTS_SUBDIR));
  });

  it('runs the real runner end to end when no row needs the cluster', async () => {
    const suite = defineSuite('kubernetes', (spec) => {
      spec('ra2.k8s.001', { kind: 'attest' });
      spec.todo('ra2.k8s.002', { kind: 'inspect' });
    });
    const code = await runPlugin(
      { SONOBUOY_RESULTS_DIR: dir, RA2_PROFILE: 'basic' },
      { stdout: sink(), stderr: sink() },
      { runOptions: { suites: [suite] }, events: new EventEmitter() },
    );
    expect(code).to.equal(0);
    const got = junit();
    expect(got.map(idOf)).to.deep.equal(['ra2.k8s.001', 'ra2.k8s.002']);
    expect(got.map(statusOf)).to.deep.equal(['skipped', 'not-implemented']);
  });
});
