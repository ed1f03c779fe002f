import { expect } from 'chai';
import type { ControlPlaneOutage } from '../../helpers/probes/control-plane-outage.js';
import {
  attemptsDuring,
  outageClientScript,
  parseAttempts,
} from '../../helpers/probes/outage-log.js';
import {
  judgeControlPlaneOutage,
  outageProblems,
  podProblems,
} from '../../suites/rules/control-plane-outage.js';

const log = [
  '100 pod ok',
  '100 service ok',
  'curl: (28) Connection timed out', // noise from the client is ignored
  '101 pod ok',
  '101 service fail',
  '102 pod ok',
  '102 service fail',
  '103 pod ok',
  '103 service ok',
  '104 pod ok',
].join('\n');

describe('outage log', () => {
  it('writes one attempt per target per second, in the format it parses', () => {
    const script = outageClientScript({ pod: 'http://10.0.0.1:8080/hostname' });
    expect(script).to.match(/^while true; do t=\$\(date \+%s\); /);
    expect(script).to.contain('curl -s -o /dev/null --max-time 1 http://10.0.0.1:8080/hostname');
    expect(script).to.contain('echo "$t pod ok"').and.contain('echo "$t pod fail"');
  });

  it('parses attempts and ignores other lines', () => {
    const attempts = parseAttempts(log);
    expect(attempts).to.have.length(9);
    expect(attempts[3]).to.deep.equal({ at: 101, target: 'service', ok: false });
  });

  it('counts only attempts strictly inside the window', () => {
    const records = attemptsDuring(parseAttempts(log), { from: 100, to: 104 });
    expect(records).to.deep.equal([
      { target: 'pod', attempts: 3, failures: 0, failedAt: [] },
      { target: 'service', attempts: 3, failures: 2, failedAt: [101, 102] },
    ]);
  });

  it('turns red on a failed attempt, naming when it failed', () => {
    const records = attemptsDuring(parseAttempts(log), { from: 100, to: 104 });
    expect(outageProblems(records, ['pod', 'service'], 3)).to.deep.equal([
      'service: 2 of 3 attempts failed (at 101, 102)',
    ]);
  });

  it('turns red when the client made too few attempts (it stalled with the control plane)', () => {
    const records = attemptsDuring(parseAttempts(log), { from: 100, to: 104 });
    expect(outageProblems(records, ['pod', 'dns'], 3)).to.deep.equal([
      'dns: 0 attempt(s) during the outage, fewer than 3',
    ]);
    expect(outageProblems(records, ['pod'], 4)).to.deep.equal([
      'pod: 3 attempt(s) during the outage, fewer than 4',
    ]);
  });

  it('is green when every target answered throughout', () => {
    const records = attemptsDuring(parseAttempts(log), { from: 100, to: 104 });
    expect(outageProblems(records, ['pod'], 3)).to.deep.equal([]);
  });
});

describe('control-plane outage verdict (ra2.app.008)', () => {
  const answered = (attempts: number) => [
    { target: 'pod', attempts, failures: 0, failedAt: [] },
    { target: 'service', attempts, failures: 0, failedAt: [] },
  ];
  const outage = (over: Partial<ControlPlaneOutage> = {}): ControlPlaneOutage => ({
    targets: { pod: 'http://10.0.0.1:8080/hostname', service: 'http://10.96.0.9:8080/hostname' },
    window: { from: 100, to: 126 },
    apiServerDuringOutage: 'unreachable',
    records: answered(24),
    podsAfter: [
      { name: 'server', phase: 'Running', restarts: 0 },
      { name: 'client', phase: 'Running', restarts: 0 },
    ],
    nodesReadyAfter: { 'ra2-basic-control-plane': true },
    ...over,
  });
  const planes = ['ra2-basic-control-plane'];

  it('passes when every request was answered and the pods kept running, with the evidence the e2e reads', () => {
    const verdict = judgeControlPlaneOutage(outage(), planes, { controlPlaneNodes: planes });
    expect(verdict.status).to.equal('passed');
    if (verdict.status !== 'passed') return;
    expect(verdict.summary).to.equal(
      'with 1 control-plane node(s) paused for 25s and the API server unreachable, running pods kept serving: pod 24/24, service 24/24 requests answered',
    );
    expect(verdict.evidence).to.include.keys(
      'controlPlaneNodes',
      'targets',
      'apiServerDuringOutage',
      'window',
      'records',
    );
    expect(verdict.evidence?.apiServerDuringOutage).to.equal('unreachable');
  });

  it('fails on too few attempts and on a restarted pod', () => {
    const verdict = judgeControlPlaneOutage(
      outage({
        records: answered(3),
        podsAfter: [
          { name: 'server', phase: 'Running', restarts: 1 },
          { name: 'client', phase: 'Running', restarts: 0 },
        ],
      }),
      planes,
      {},
    );
    expect(verdict.status).to.equal('failed');
    if (verdict.status !== 'failed') return;
    expect(verdict.expected).to.contain('every control-plane node is away (25s)');
    expect(verdict.observed).to.equal(
      'pod: 3 attempt(s) during the outage, fewer than 8; service: 3 attempt(s) during the outage, fewer than 8; server restarted 1 time(s)',
    );
  });

  it('names pods that no longer run', () => {
    expect(podProblems([{ name: 'client', phase: 'Failed', restarts: 0 }])).to.deep.equal([
      'client is Failed after the outage',
    ]);
  });

  it('cannot conclude when the API server still answered: no outage took place', () => {
    expect(() =>
      judgeControlPlaneOutage(outage({ apiServerDuringOutage: 'answered' }), planes, {}),
    ).to.throw(
      'the API server still answered with every control-plane node paused (ra2-basic-control-plane)',
    );
  });
});
