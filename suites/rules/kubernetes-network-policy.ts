/**
 * ra2.k8s.014 "Kubernetes must support NetworkPolicy": the verdict on the
 * allow/deny scenario (helpers/probes/network-policy.ts runPolicyScenario).
 *
 * A step that did not settle is a failure only when some path was observed
 * otherwise than the policy says: reached where it must be blocked, refused or
 * timed out where it must be reached. When every mismatch is a path the probe
 * could not observe or confirm (helpers/probes/network-policy.ts,
 * contradictsPolicy), the probe, not the policy, fell short: the jig throws and
 * the row is an error with that cause, never `failed`.
 */
import { fail, pass, type Verdict } from '../../helpers/framework/result.js';
import type { PolicyScenario } from '../../helpers/probes/network-policy.js';

/**
 * The row's verdict on the scenario. A step that did not settle reaches here
 * only with some path observed against the policy: the jig throws (the row is
 * an error) when every mismatch is a path it could not observe or confirm.
 */
export function judgePolicyScenario(scenario: PolicyScenario): Verdict {
  const evidence = { servers: scenario.servers, steps: scenario.steps };
  const step = scenario.failedStep;
  if (!step) {
    const servers = scenario.servers.map((s) => `${s.name} (${s.ips.join(' and ')})`);
    return pass(
      `NetworkPolicy enforced on ${servers.join(' and ')}: open without policy, closed by deny-all, opened by an allow rule for the labelled client only`,
      evidence,
    );
  }
  return fail(
    'NetworkPolicy to be enforced at each step: open, then deny-all with an allow rule for the labelled client on one server',
    `${step.name}: ${step.mismatched.join('; ')}`,
    evidence,
  );
}
