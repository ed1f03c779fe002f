import { expect } from 'chai';
import {
  controlName,
  holderIdentity,
  judgeRun,
  LEASE_CREATION_GRACE_MS,
  parseHolder,
  processExists,
  STALE_AFTER_MS,
  type Judge,
} from '../../helpers/framework/heartbeat.js';
import { runControlLabels } from '../../helpers/framework/labels.js';

const now = new Date('2026-01-01T01:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms);
const judge = (alivePids: number[] = []): Judge => ({
  now,
  hostname: 'this-host',
  processExists: (pid) => alivePids.includes(pid),
});

describe('run liveness', () => {
  it('names the control namespace and lease after the run, DNS-1123', () => {
    expect(controlName('20260101010000-bcdf')).to.equal('ra2-run-20260101010000-bcdf');
    expect(controlName('20260101010000-bcdf')).to.match(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
    expect(runControlLabels('r1')).to.include({
      'app.kubernetes.io/managed-by': 'ra2-conformance',
      'ra2.anuket.io/run': 'r1',
      'app.kubernetes.io/component': 'run-control',
    });
  });

  it('reads back the holder identity it writes', () => {
    expect(parseHolder(holderIdentity('node-1.example', 4242))).to.deep.equal({
      host: 'node-1.example',
      pid: 4242,
    });
    expect(parseHolder('no-pid')).to.equal(undefined);
    expect(parseHolder('host/0')).to.equal(undefined);
    expect(parseHolder(undefined)).to.equal(undefined);
  });

  it('keeps a run whose heartbeat is fresh, on this host or another', () => {
    const fresh = { holderIdentity: 'other-host/1', renewTime: ago(5_000) };
    expect(judgeRun({ lease: fresh }, judge()).alive).to.equal(true);
    // Another host's pid is never looked up here.
    expect(judgeRun({ lease: fresh }, { ...judge(), processExists: () => false }).alive).to.equal(
      true,
    );
    expect(
      judgeRun({ lease: { holderIdentity: 'this-host/77', renewTime: ago(5_000) } }, judge([77]))
        .alive,
    ).to.equal(true);
  });

  it('declares a run dead when its process on this host is gone, however fresh its lease', () => {
    const verdict = judgeRun(
      { lease: { holderIdentity: 'this-host/77', renewTime: ago(1_000) } },
      judge([]),
    );
    expect(verdict.alive).to.equal(false);
    expect(verdict.reason).to.contain('this-host/77');
  });

  it('declares a run dead when its heartbeat is older than three renew periods', () => {
    const stale = judgeRun(
      { lease: { holderIdentity: 'other-host/1', renewTime: ago(STALE_AFTER_MS + 1_000) } },
      judge(),
    );
    expect(stale.alive).to.equal(false);
    expect(stale.reason).to.match(/renewed \d+s ago/);
    expect(
      judgeRun(
        { lease: { holderIdentity: 'other-host/1', renewTime: ago(STALE_AFTER_MS - 1_000) } },
        judge(),
      ).alive,
    ).to.equal(true);
  });

  it('declares a run dead without a lease, unless its control namespace is brand new', () => {
    expect(judgeRun({}, judge())).to.deep.equal({ alive: false, reason: 'no heartbeat lease' });
    expect(
      judgeRun({ controlNamespaceCreated: ago(LEASE_CREATION_GRACE_MS + 1) }, judge()).alive,
    ).to.equal(false);
    expect(judgeRun({ controlNamespaceCreated: ago(2_000) }, judge()).alive).to.equal(true);
    expect(judgeRun({ lease: { holderIdentity: 'other-host/1' } }, judge()).alive).to.equal(false);
  });

  it('sees this process as existing and an impossible pid as gone', () => {
    expect(processExists(process.pid)).to.equal(true);
    expect(processExists(2 ** 22 + 12345)).to.equal(false);
  });
});
