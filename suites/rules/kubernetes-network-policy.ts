/**
 * ra2.k8s.014 "Kubernetes must support NetworkPolicy": the verdict on the
 * allow/deny scenario (helpers/probes/network-policy.ts runPolicyScenario).
 *
 * A step that did not settle is a failure only when some path was observed
 * otherwise than the policy says: reached where it must be blocked, refused or
 * timed out where it must be reached. When every mismatch is a path the probe
 * could not observe (its exec calls failed or timed out) or a path seen blocked
 * on its latest attempts but not yet the three times in a row that confirm it
 * (the exec calls were too slow, or failed between two, for the attempts to
 * fit the step's deadline), the probe, not the policy, is what fell short: the
 * row is an error with that cause (thrown, as the result model has it: a check
 * that throws ends in `error`), never `failed`.
 */
import { fail, pass, type Verdict } from '../../helpers/framework/result.js';
import type { PolicyScenario } from '../../helpers/probes/network-policy.js';

/**
 * What one mismatched path of a step says. contradicted: observed otherwise
 * than expected. not-observed: nothing learnt (exec failed). unconfirmed: seen
 * blocked where it must be, not yet enough times in a row.
 */
export type MismatchKind = 'contradicted' | 'not-observed' | 'unconfirmed';

/**
 * Reads a line renderMatrix wrote ("c -> s 10.0.0.1:80: <state>[ [why]] (expected
 * blocked|reachable)"); the scenario's steps carry only those lines. A line of
 * any other shape counts as contradicted: an unreadable path never turns a
 * failure into an error.
 */
export function mismatchKind(line: string): MismatchKind {
  const match =
    /: (reachable|blocked|blocked, but not yet \d+ times in a row|not observed)(?: \[.*\])? \(expected (reachable|blocked)\)$/.exec(
      line,
    );
  if (!match) return 'contradicted';
  const [, state, expected] = match;
  if (state === 'not observed') return 'not-observed';
  if (expected === 'blocked' && state?.startsWith('blocked, but not yet')) return 'unconfirmed';
  return 'contradicted';
}

/**
 * The row's verdict on the scenario; throws (the row is an error) when the
 * step that did not settle shows no path observed against the policy.
 */
export function judgePolicyScenario(scenario: PolicyScenario): Verdict {
  const evidence = { serverIps: scenario.serverIps, steps: scenario.steps };
  const step = scenario.failedStep;
  if (!step) {
    return pass(
      `NetworkPolicy enforced on ${scenario.serverIps.join(' and ')}: open without policy, closed by deny-all, opened by an allow rule for the labelled client only`,
      evidence,
    );
  }
  const contradicted = step.mismatched.filter((line) => mismatchKind(line) === 'contradicted');
  if (contradicted.length === 0 && step.mismatched.length > 0) {
    throw new Error(
      `the NetworkPolicy matrix did not settle only because the probe could not observe it (exec calls failed, timed out or were too slow to confirm a blocked path by the deadline), not because a path went against the policy: ${step.name}: ${step.mismatched.join('; ')}`,
    );
  }
  return fail(
    'NetworkPolicy to be enforced at each step: open, deny-all, allow for the labelled client',
    `${step.name}: ${step.mismatched.join('; ')}`,
    evidence,
  );
}
