/**
 * A read-only probe exec that stalled past its deadline is tried once more;
 * any other failure, and a second stall, still reach the caller.
 */
import { expect } from 'chai';
import { ExecTimedOut, type ExecResult } from '../../helpers/k8s/exec.js';
import { tryConnect } from '../../helpers/probes/netexec.js';
import { readHardware } from '../../helpers/probes/node-hardware.js';

const reached: ExecResult = { stdout: '', stderr: '', exitCode: 0 };

/** A pod exec that answers each call from `answers` in turn, counting the calls. */
function scriptedExec(answers: Array<ExecResult | Error>) {
  const calls: string[][] = [];
  return {
    calls,
    exec: (_pod: string, command: string[]): Promise<ExecResult> => {
      calls.push(command);
      const answer = answers[calls.length - 1];
      if (answer === undefined) return Promise.reject(new Error('no more answers scripted'));
      return answer instanceof Error ? Promise.reject(answer) : Promise.resolve(answer);
    },
  };
}

describe('read-only probe execs', () => {
  it('tries a connect again when its exec stalled, and judges the second answer', async () => {
    const pods = scriptedExec([new ExecTimedOut('exec timed out after 30s'), reached]);
    const attempt = await tryConnect(pods, 'router', 'fc00::3', 10250);
    expect(pods.calls).to.have.length(2);
    expect(attempt.outcome).to.equal('reached');
    expect(attempt.target).to.equal('[fc00::3]:10250');
  });

  it('throws when the second exec stalls too: nothing was observed', async () => {
    const stall = new ExecTimedOut('exec timed out after 30s');
    const pods = scriptedExec([stall, stall]);
    const thrown = await tryConnect(pods, 'router', '10.0.0.3', 10250).catch((e: unknown) => e);
    expect(thrown).to.equal(stall);
    expect(pods.calls).to.have.length(2);
  });

  it('does not repeat an exec that failed for another reason', async () => {
    const refused = new Error('exec into ns/router was refused 3 times');
    const pods = scriptedExec([refused, reached]);
    const thrown = await tryConnect(pods, 'router', '10.0.0.3', 10250).catch((e: unknown) => e);
    expect(thrown).to.equal(refused);
    expect(pods.calls).to.have.length(1);
  });

  it('keeps a blocked answer as it is (a network answer is not retried)', async () => {
    const blocked = { stdout: '', stderr: 'TIMEOUT', exitCode: 1 };
    const pods = scriptedExec([blocked, reached]);
    const attempt = await tryConnect(pods, 'router', '10.0.0.3', 10250);
    expect(attempt.outcome).to.equal('blocked');
    expect(pods.calls).to.have.length(1);
  });

  it("reads a node's hardware again when the script's exec stalled", async () => {
    const report = { stdout: 'smt.active=1\ncpu.cpu0=0 0\n', stderr: '', exitCode: 0 };
    const pods = scriptedExec([new ExecTimedOut('exec timed out after 30s'), report]);
    const hardware = await readHardware(pods, 'hw-0');
    expect(pods.calls).to.have.length(2);
    expect(hardware.smtActive).to.equal(true);
  });
});
