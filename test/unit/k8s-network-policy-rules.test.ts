/**
 * ra2.k8s.014: a NetworkPolicy scenario that did not settle fails only on a
 * path observed against the policy; when the probe could not observe (exec
 * calls failed, timed out, or were too slow to confirm a blocked path) the jig
 * throws, which the runner records as `error`.
 */
import { expect } from 'chai';
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import type { CheckContext } from '../../helpers/framework/context.js';
import type { ExecResult } from '../../helpers/k8s/exec.js';
import {
  allowedClient,
  otherClient,
  renderMatrix,
  runPolicyScenario,
  type MatrixCell,
  type PolicyScenario,
} from '../../helpers/probes/network-policy.js';
import { judgePolicyScenario } from '../../suites/rules/kubernetes-network-policy.js';
import { connectBatchAnswer } from './fixtures.js';

const cell = (state: MatrixCell['state'], expectReachable: boolean): MatrixCell => ({
  from: otherClient,
  to: 'server-deny',
  host: '10.244.1.5',
  port: 8080,
  expectReachable,
  state,
  detail: state === 'not-observed' ? 'exec failed: exec timed out after 30s' : 'TIMEOUT',
});
const line = (state: MatrixCell['state'], expectReachable: boolean) =>
  renderMatrix([cell(state, expectReachable)])[0]!;

const policyStep = 'deny-all ingress on both servers and an allow rule on one';

function scenarioFailingAt(...mismatched: string[]): PolicyScenario {
  const step = {
    name: policyStep,
    settled: false,
    matrix: mismatched,
    mismatched,
    attempts: [],
  };
  return {
    servers: [{ name: 'server-deny', ips: ['10.244.1.5'] }],
    steps: [step],
    failedStep: step,
  };
}

describe('NetworkPolicy verdict (ra2.k8s.014)', () => {
  it('fails a path observed open that the deny-all policy must block', () => {
    const verdict = judgePolicyScenario(scenarioFailingAt(line('reached', false)));
    expect(verdict.status).to.equal('failed');
    expect(verdict.status === 'failed' && verdict.observed).to.equal(
      `${policyStep}: ${otherClient} -> server-deny 10.244.1.5:8080: reachable (expected blocked)`,
    );
  });

  it('fails a path observed blocked that must be reachable, even beside a path not observed', () => {
    const verdict = judgePolicyScenario(
      scenarioFailingAt(line('blocked', true), line('not-observed', false)),
    );
    expect(verdict.status).to.equal('failed');
  });

  it('passes a scenario whose every step settled', () => {
    const verdict = judgePolicyScenario({
      servers: [{ name: 'server-deny', ips: ['10.244.1.5', 'fd00::5'] }],
      steps: [],
    });
    expect(verdict.status).to.equal('passed');
  });
});

/**
 * A cluster seen through the scenario: which policies exist decide what
 * `agnhost connect` answers, as the CNI would enforce them (`enforced`: the
 * policies apply; `ignoresAllowRules`: deny-all applies and allow rules do not;
 * `ignoresAllowSelector`: an allow rule lets every client in), and each exec
 * takes `delayMs` or fails with `execError` once a policy exists.
 */
function fakeCluster(options: {
  enforced: boolean;
  ignoresAllowRules?: boolean;
  ignoresAllowSelector?: boolean;
  delayMs?: number;
  execError?: string;
}) {
  const denyIp = '10.244.1.5';
  const allowIp = '10.244.1.6';
  const policies: string[] = [];
  const ns = {
    name: 'ns1',
    pollOptions: (timeoutMs: number) => ({ timeoutMs, intervalMs: 1 }),
    createPolicy: (policy: V1NetworkPolicy) => {
      policies.push(policy.metadata?.name ?? '');
      return Promise.resolve(policy);
    },
  };
  const ctx = {
    labels: { 'ra2.anuket.io/run': 'r1' },
    log: () => {},
    signal: new AbortController().signal,
    timeouts: { networkPolicy: 60, exec: 10, pollInterval: 1 },
    ns: () => Promise.resolve(ns),
  } as unknown as CheckContext;
  const reaches = (from: string, target: string): boolean => {
    if (!options.enforced) return true;
    const denied = policies.includes('deny-all-ingress');
    const allowRule =
      !options.ignoresAllowRules &&
      policies.includes('allow-from-client') &&
      target.startsWith(allowIp) &&
      (from === allowedClient || options.ignoresAllowSelector === true);
    return !denied || allowRule;
  };
  const pods = {
    exec: async (from: string, command: string[]): Promise<ExecResult> => {
      if (policies.length > 0 && options.delayMs)
        await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      if (policies.length > 0 && options.execError) throw new Error(options.execError);
      return connectBatchAnswer(command, (target) =>
        reaches(from, target) ? { exitCode: 0, stderr: '' } : { exitCode: 1, stderr: 'TIMEOUT\n' },
      );
    },
  };
  const run = () =>
    runPolicyScenario(ctx, pods, {
      serverIps: { deny: [denyIp], allow: [allowIp] },
      serverLabels: { role: 'server' },
      allowedLabels: { role: 'allowed' },
      port: 8080,
    });
  return { run, policies };
}

describe('NetworkPolicy scenario end to end on a fake cluster (ra2.k8s.014)', () => {
  it('passes a cluster that enforces the policies', async () => {
    const verdict = judgePolicyScenario(await fakeCluster({ enforced: true }).run());
    expect(verdict.status).to.equal('passed');
  });

  it('fails a cluster whose CNI ignores NetworkPolicy: the paths stay open under deny-all', async () => {
    const verdict = judgePolicyScenario(await fakeCluster({ enforced: false }).run());
    expect(verdict.status).to.equal('failed');
    expect(verdict.status === 'failed' && verdict.observed).to.match(
      /^deny-all ingress on both servers.*client-allowed -> server-deny 10\.244\.1\.5:8080: reachable \(expected blocked\)/,
    );
  });

  it('observes the policies side by side: both are in place before the blocks are confirmed', async () => {
    const cluster = fakeCluster({ enforced: true });
    await cluster.run();
    expect(cluster.policies).to.have.members(['deny-all-ingress', 'allow-from-client']);
  });

  const brokenAllowRules = [
    {
      cni: 'a CNI that enforces deny-all and ignores allow rules: the labelled client stays out',
      options: { ignoresAllowRules: true },
      path: /client-allowed -> server-allow 10\.244\.1\.6:8080: blocked \(expected reachable\)/,
    },
    {
      cni: 'an allow rule that lets every client in, not only the labelled one',
      options: { ignoresAllowSelector: true },
      path: /client-other -> server-allow 10\.244\.1\.6:8080: reachable \(expected blocked\)/,
    },
  ];
  for (const { cni, options, path } of brokenAllowRules) {
    it(`fails ${cni}`, async () => {
      const verdict = judgePolicyScenario(await fakeCluster({ enforced: true, ...options }).run());
      expect(verdict.status).to.equal('failed');
      expect(verdict.status === 'failed' && verdict.observed).to.match(path);
    });
  }

  it('is an error when the exec calls are too slow to confirm the deny-all block by the deadline', async () => {
    // 70 ms an exec: one blocked attempt by the 60 ms step deadline, and one more in the
    // confirmation's budget (three passes of an exec deadline of 10 ms): three confirm.
    let thrown: unknown;
    await fakeCluster({ enforced: true, delayMs: 70 })
      .run()
      .then(judgePolicyScenario)
      .catch((err: unknown) => (thrown = err));
    expect(String(thrown)).to.match(
      /could not observe deny-all ingress.*blocked, but not yet 3 times in a row \(expected blocked\)/,
    );
  });

  it('is an error when every exec times out once the policy is in place', async () => {
    const cluster = fakeCluster({ enforced: true, execError: 'exec timed out after 30s' });
    let thrown: unknown;
    await cluster
      .run()
      .then(judgePolicyScenario)
      .catch((err: unknown) => (thrown = err));
    expect(String(thrown)).to.match(/could not observe deny-all ingress.*exec timed out after 30s/);
  });
});
