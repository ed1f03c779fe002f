/**
 * Concurrent checks: up to --parallel at once, a disruptive or exclusive check
 * alone (the runner drains the others before it and starts nothing beside
 * it), results in catalog order whatever order the checks end in.
 */
import { expect } from 'chai';
import { DEFAULT_RELEASE, loadCatalog } from '../../catalog/index.js';
import { defineSuite, type CheckOptions } from '../../helpers/framework/registry.js';
import { pass, type Reporter, type RunReport } from '../../helpers/framework/result.js';
import { runSuite } from '../../helpers/framework/runner.js';
import { DEFAULT_PARALLEL, runScheduled } from '../../helpers/framework/scheduler.js';
import { settingNamed } from '../../helpers/framework/settings.js';
import { fakeRunOptions } from './fake-run.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Which jobs ran at the same time as which: every job records the others running when it started or ended. */
class OverlapLog {
  readonly running = new Set<string>();
  readonly overlaps = new Map<string, Set<string>>();
  peak = 0;
  async during(name: string, ms: number): Promise<void> {
    const seen = this.overlaps.get(name) ?? new Set<string>();
    this.overlaps.set(name, seen);
    for (const other of this.running) {
      seen.add(other);
      this.overlaps.get(other)?.add(name);
    }
    this.running.add(name);
    this.peak = Math.max(this.peak, this.running.size);
    await sleep(ms);
    this.running.delete(name);
  }
  with(name: string): string[] {
    return [...(this.overlaps.get(name) ?? [])];
  }
}

/** The basic-profile rows of section 4.3, enough of them to fill several batches. */
const ROWS = loadCatalog(DEFAULT_RELEASE)
  .rows.filter((row) => row.section === 'kubernetes' && row.profile !== 'network-intensive')
  .map((row) => row.id)
  .slice(0, 12);
const EXCLUSIVE = new Set([ROWS[5], ROWS[10]]);
const DISRUPTIVE = ROWS[6] as string;

/** Probe checks that take different times (so they end out of order) and log their overlaps. */
function overlapSuite(log: OverlapLog) {
  return defineSuite('kubernetes', (spec) => {
    ROWS.forEach((id, index) => {
      const options: CheckOptions = {
        kind: 'probe',
        observes: `the fake observation of ${id}`,
        exclusive: EXCLUSIVE.has(id),
        disruptive: id === DISRUPTIVE,
      };
      spec(id, options, async () => {
        await log.during(id, 10 + ((index * 7) % 5) * 8);
        return pass(`ran ${id}`);
      });
    });
  });
}

async function overlapRun(parallel: number): Promise<{ log: OverlapLog; report: RunReport }> {
  const log = new OverlapLog();
  const report = await runSuite({
    ...fakeRunOptions(overlapSuite(log)),
    profile: 'basic',
    disruptive: true,
    parallel,
  });
  return { log, report };
}

describe('conc: concurrent checks', () => {
  it('runs several checks at once by default; --parallel 1 is one after another', () => {
    expect(DEFAULT_PARALLEL).to.be.within(4, 8);
    expect(settingNamed('parallel').default).to.equal(DEFAULT_PARALLEL);
  });

  it('runs up to the bound at once, an exclusive or disruptive check beside nothing, results in catalog order', async () => {
    expect(ROWS).to.have.length(12);
    const { log, report } = await overlapRun(4);
    expect(log.peak).to.equal(4);
    for (const id of [...EXCLUSIVE, DISRUPTIVE] as string[])
      expect(log.with(id), `${id} ran beside`).to.deep.equal([]);
    const shared = ROWS.filter((id) => !EXCLUSIVE.has(id) && id !== DISRUPTIVE);
    expect(shared.some((id) => log.with(id).length > 0)).to.equal(true);
    expect(report.results.map((r) => r.row.id)).to.deep.equal(ROWS);
    expect(report.results.map((r) => r.message)).to.deep.equal(ROWS.map((id) => `ran ${id}`));
  });

  it('with --parallel 1 never runs two checks at once', async () => {
    const { log, report } = await overlapRun(1);
    expect(log.peak).to.equal(1);
    expect(report.results.map((r) => r.status)).to.deep.equal(ROWS.map(() => 'passed'));
  });

  it('starts checks in catalog order, so an exclusive one is never overtaken', async () => {
    const started: string[] = [];
    const keep: Reporter = { name: 'order', onCheckStart: (row) => void started.push(row.id) };
    const log = new OverlapLog();
    await runSuite({
      ...fakeRunOptions(overlapSuite(log)),
      profile: 'basic',
      disruptive: true,
      parallel: 3,
      reporters: [keep],
    });
    expect(started).to.deep.equal(ROWS);
  });

  it('starts the checks that declare a long wait first; results stay in catalog order', async () => {
    const waiting = [ROWS[3], ROWS[9]] as string[];
    const started: string[] = [];
    const keep: Reporter = { name: 'order', onCheckStart: (row) => void started.push(row.id) };
    const suite = defineSuite('kubernetes', (spec) => {
      for (const id of ROWS)
        spec(
          id,
          { kind: 'probe', observes: `the fake ${id}`, longWait: waiting.includes(id) },
          () => Promise.resolve(pass(`ran ${id}`)),
        );
    });
    const report = await runSuite({
      ...fakeRunOptions(suite),
      profile: 'basic',
      parallel: 3,
      reporters: [keep],
    });
    expect(started).to.deep.equal([...waiting, ...ROWS.filter((id) => !waiting.includes(id))]);
    expect(report.results.map((r) => r.row.id)).to.deep.equal(ROWS);
  });
});

describe('conc: the scheduler', () => {
  it('never exceeds the bound and drains before a job that runs alone', async () => {
    const log = new OverlapLog();
    const alone = new Set([0, 4, 5, 9]);
    await runScheduled({
      count: 10,
      bound: 3,
      alone: (i) => alone.has(i),
      run: (i) => log.during(String(i), 5 + (i % 3) * 5),
    });
    expect(log.peak).to.equal(3);
    for (const i of alone) expect(log.with(String(i)), `job ${i}`).to.deep.equal([]);
  });

  it('starts nothing more after a job fails, waits for the running ones, and rethrows', async () => {
    const started: number[] = [];
    let running = 0;
    const outcome = runScheduled({
      count: 6,
      bound: 2,
      alone: () => false,
      run: async (i) => {
        started.push(i);
        running++;
        await sleep(i === 1 ? 5 : 20);
        running--;
        if (i === 1) throw new Error('job 1 broke');
      },
    });
    let caught: unknown;
    await outcome.catch((err: unknown) => (caught = err));
    expect((caught as Error).message).to.equal('job 1 broke');
    expect(running).to.equal(0);
    expect(started).to.deep.equal([0, 1]);
  });

  it('resolves at once with nothing to run', async () => {
    await runScheduled({ count: 0, bound: 4, alone: () => true, run: () => Promise.resolve() });
  });
});
