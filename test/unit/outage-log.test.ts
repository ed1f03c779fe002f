import { expect } from 'chai';
import {
  attemptsDuring,
  outageClientScript,
  outageProblems,
  parseAttempts,
} from '../../helpers/probes/outage-log.js';

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
