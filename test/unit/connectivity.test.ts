import { expect } from 'chai';
import type { CheckContext } from '../../helpers/framework/context.js';
import type { ExecResult } from '../../helpers/k8s/exec.js';
import {
  connectivityOf,
  connectOutcome,
  observeConnect,
  type ConnectOutcome,
} from '../../helpers/probes/netexec.js';
import {
  contradictsPolicy,
  matrixOutcome,
  NetworkPolicyJig,
  attemptHistory,
  renderMatrix,
  renderMismatches,
  type MatrixCell,
  type MatrixEdge,
} from '../../helpers/probes/network-policy.js';
import { connectBatchAnswer } from './fixtures.js';

const exited = (exitCode: number, stderr = ''): ExecResult => ({ exitCode, stderr, stdout: '' });

describe('connectivity: one agnhost connect attempt', () => {
  it('is reached on exit 0', () => {
    expect(connectOutcome(0, '')).to.equal('reached');
  });
  it('is blocked when the network refused, timed out or said no route', () => {
    expect(connectOutcome(1, 'REFUSED\n')).to.equal('blocked');
    expect(connectOutcome(1, 'TIMEOUT\n')).to.equal('blocked');
    expect(connectOutcome(1, 'OTHER: dial tcp 10.0.0.1:80: connect: no route to host\n')).to.equal(
      'blocked',
    );
  });
  it('is not observed when agnhost never tried or the exec gave no exit code', () => {
    expect(connectOutcome(1, 'DNS: lookup server: no such host')).to.equal('not-observed');
    expect(connectOutcome(1, 'UNKNOWN: missing port in address')).to.equal('not-observed');
    expect(connectOutcome(-1, '')).to.equal('not-observed');
    expect(connectOutcome(126, 'TIMEOUT')).to.equal('not-observed');
    expect(connectOutcome(1, 'error: unable to upgrade connection')).to.equal('not-observed');
  });
  it('turns an exec failure into "not-observed", never into blocked', async () => {
    const failing = {
      exec: (): Promise<ExecResult> => Promise.reject(new Error('pods "client" not found')),
    };
    const attempt = await observeConnect(failing, 'client', '10.0.0.1', 80);
    expect(attempt).to.include({ outcome: 'not-observed', reachable: false, exitCode: -1 });
    expect(attempt.detail).to.match(/exec failed: pods "client" not found/);
  });
});

describe('connectivity: the judgement over a step’s attempts', () => {
  const judge = (...outcomes: ConnectOutcome[]) => connectivityOf(outcomes);
  it('an exec failure is not observed', () => {
    expect(judge('not-observed')).to.equal('not-observed');
    expect(judge()).to.equal('not-observed');
    expect(judge('blocked', 'blocked', 'blocked', 'not-observed')).to.equal('not-observed');
  });
  it('one timeout then a success is reached', () => {
    expect(judge('blocked', 'reached')).to.equal('reached');
    expect(judge('not-observed', 'reached')).to.equal('reached');
  });
  it('blocked only after three blocked attempts in a row', () => {
    expect(judge('blocked')).to.equal('unconfirmed');
    expect(judge('blocked', 'blocked')).to.equal('unconfirmed');
    expect(judge('blocked', 'blocked', 'blocked')).to.equal('blocked');
    expect(judge('reached', 'blocked', 'blocked', 'blocked')).to.equal('blocked');
  });
  it('a failed observation or a success breaks the run of blocked attempts', () => {
    expect(judge('blocked', 'not-observed', 'blocked', 'blocked')).to.equal('unconfirmed');
    expect(judge('blocked', 'blocked', 'reached', 'blocked', 'blocked')).to.equal('unconfirmed');
  });
});

describe('connectivity: a NetworkPolicy step', () => {
  const edge: MatrixEdge = {
    from: 'c',
    to: 's',
    host: '10.0.0.1',
    port: 80,
    expectReachable: false,
  };
  const cell = (state: MatrixCell['state'], expectReachable = false): MatrixCell => ({
    ...edge,
    expectReachable,
    state,
    detail: 'exec failed: EOF',
  });

  it('is settled, contradicted by an observation, or not observed', () => {
    expect(matrixOutcome([cell('blocked'), cell('reached', true)])).to.equal('settled');
    expect(matrixOutcome([cell('reached')])).to.equal('contradicted');
    expect(matrixOutcome([cell('unconfirmed')])).to.equal('contradicted');
    expect(matrixOutcome([cell('not-observed'), cell('blocked')])).to.equal('not-observed');
    expect(matrixOutcome([cell('not-observed'), cell('reached')])).to.equal('contradicted');
  });

  it('holds a block seen too few times in a row against the probe, a flapping one against the policy', () => {
    const unconfirmed = (...attempts: ConnectOutcome[]) => ({ ...cell('unconfirmed'), attempts });
    // Slow exec calls: open before the policy, then blocked twice by the deadline.
    const slow = unconfirmed('reached', 'reached', 'blocked', 'blocked');
    expect(contradictsPolicy(slow)).to.equal(false);
    expect(matrixOutcome([slow, cell('blocked')])).to.equal('not-observed');
    // An exec failure broke the run of blocks: still the probe's shortfall.
    expect(contradictsPolicy(unconfirmed('blocked', 'not-observed', 'blocked'))).to.equal(false);
    // Reached again after a block: the policy flaps.
    const flapping = unconfirmed('blocked', 'blocked', 'reached', 'blocked');
    expect(contradictsPolicy(flapping)).to.equal(true);
    expect(matrixOutcome([flapping])).to.equal('contradicted');
    // Must be reachable but last seen blocked: a verdict.
    expect(
      contradictsPolicy({ ...unconfirmed('reached', 'blocked'), expectReachable: true }),
    ).to.equal(true);
  });

  it('renders each mismatched path with its attempts in order, so a flap shows when it came', () => {
    const flapping = {
      ...cell('unconfirmed'),
      attempts: ['blocked', 'reached', 'blocked'] as const,
    };
    expect(attemptHistory(['reached', 'blocked', 'not-observed'])).to.equal('RB?');
    expect(renderMismatches([flapping, cell('blocked')])).to.deep.equal([
      'c -> s 10.0.0.1:80: blocked, but not yet 3 times in a row (expected blocked) attempts BRB (R reached, B blocked, ? not observed)',
    ]);
  });

  it('renders a path that could not be observed with its cause', () => {
    expect(renderMatrix([cell('not-observed')])[0]).to.equal(
      'c -> s 10.0.0.1:80: not observed [exec failed: EOF] (expected blocked)',
    );
  });

  /**
   * A check context whose waits poll every millisecond for `timeoutMs`; with
   * `passesToDeadline`, its first wait meets its deadline after that many passes.
   */
  function fakeContext(passesToDeadline?: number): CheckContext {
    const log: string[] = [];
    let waits = 0;
    const ns = {
      name: 'ns1',
      pollOptions: (timeoutMs: number) => ({
        timeoutMs,
        intervalMs: 1,
        ...(waits++ === 0 && passesToDeadline ? { maxPolls: passesToDeadline } : {}),
      }),
    };
    return {
      log: (line: string) => log.push(line),
      signal: new AbortController().signal,
      timeouts: { exec: 1_000, pollInterval: 1 },
      ns: () => Promise.resolve(ns),
    } as unknown as CheckContext;
  }

  /**
   * Pods whose agnhost connect answers from a script, one exec after another:
   * each answer is every target's of that exec, in the batch's report lines.
   */
  function scripted(...answers: (ExecResult | Error)[]) {
    let next = 0;
    return {
      exec: (_pod: string, command: string[]): Promise<ExecResult> => {
        const answer = answers[Math.min(next++, answers.length - 1)]!;
        if (answer instanceof Error) return Promise.reject(answer);
        return Promise.resolve(connectBatchAnswer(command, () => answer));
      },
    };
  }

  it('settles on blocked after three refused attempts in a row', async () => {
    const pods = scripted(
      exited(0),
      exited(1, 'REFUSED'),
      exited(1, 'TIMEOUT'),
      exited(1, 'REFUSED'),
    );
    const jig = new NetworkPolicyJig(fakeContext(), pods);
    const observed = await jig.waitForMatrix('deny', [edge], 1_000);
    expect(observed.settled).to.equal(true);
    expect(observed.passes).to.equal(4);
  });

  it('confirms blocks past the deadline when every path shows the policy at it', async () => {
    // A zero deadline allows one pass: blocked once; two more blocked passes confirm it.
    const pods = scripted(exited(1, 'REFUSED'));
    const jig = new NetworkPolicyJig(fakeContext(), pods);
    const observed = await jig.waitForMatrix('deny', [edge], 0);
    expect(observed).to.include({ settled: true, passes: 3 });
  });

  it('confirms a block after a transient pass, and keeps the pass in the attempts', async () => {
    const pods = scripted(exited(1, 'REFUSED'), exited(0), exited(1, 'REFUSED'));
    const jig = new NetworkPolicyJig(fakeContext(3), pods);
    const observed = await jig.waitForMatrix('deny', [edge], 60_000);
    expect(observed.settled).to.equal(true);
    expect(attemptHistory(observed.cells[0]!.attempts!)).to.equal('BRBBB');
  });

  it('stops confirming at once when a path is reached again, and fails', async () => {
    const pods = scripted(exited(1, 'REFUSED'), exited(0), exited(1, 'REFUSED'), exited(0));
    const jig = new NetworkPolicyJig(fakeContext(3), pods);
    const observed = await jig.waitForMatrix('deny', [edge], 60_000);
    expect(observed.settled).to.equal(false);
    expect(attemptHistory(observed.cells[0]!.attempts!)).to.equal('BRBR');
    expect(matrixOutcome(observed.cells)).to.equal('contradicted');
  });

  it('fails (does not settle) when a blocked path is reached at the deadline', async () => {
    const jig = new NetworkPolicyJig(fakeContext(), scripted(exited(0)));
    const observed = await jig.waitForMatrix('deny', [edge], 20);
    expect(observed.settled).to.equal(false);
    expect(observed.cells[0]?.state).to.equal('reached');
  });

  it('is an error, not blocked, when the exec keeps failing until the deadline', async () => {
    const jig = new NetworkPolicyJig(fakeContext(), scripted(new Error('pod not ready')));
    let thrown: unknown;
    await jig.waitForMatrix('deny', [edge], 20).catch((err: unknown) => (thrown = err));
    expect(String(thrown)).to.match(/could not observe deny .*exec failed: pod not ready/);
  });

  it('retries an exec failure and then reaches', async () => {
    const pods = scripted(new Error('EOF'), exited(1, 'TIMEOUT'), exited(0));
    const jig = new NetworkPolicyJig(fakeContext(), pods);
    const observed = await jig.waitForMatrix('open', [{ ...edge, expectReachable: true }], 1_000);
    expect(observed).to.include({ settled: true, passes: 3 });
  });
});
