/**
 * ra2.app.008's rule: workloads already running keep working while every
 * control-plane node is away. Judged on the client's own record of the
 * outage (every request answered, enough of them made) and on the pods
 * afterwards (still running, never restarted).
 */
import type { Evidence, Verdict } from '../../helpers/framework/result.js';
import { fail, pass } from '../../helpers/framework/result.js';
import type { ControlPlaneOutage, PodAfter } from '../../helpers/probes/control-plane-outage.js';
import type { TargetRecord } from '../../helpers/probes/outage-log.js';

/** Long enough for many attempts, short of the 40 s after which node leases count as lost. */
export const OUTAGE_SECONDS = 25;

/** One attempt every three seconds at least: fewer means the client itself stalled. */
const MIN_ATTEMPTS = Math.floor(OUTAGE_SECONDS / 3);

/**
 * Problems with the record of `targets` during the outage: a target never tried
 * (the client itself stalled) counts as much as one that failed.
 */
export function outageProblems(
  records: readonly TargetRecord[],
  targets: readonly string[],
  minAttempts: number,
): string[] {
  return targets.flatMap((target) => {
    const r = records.find((x) => x.target === target);
    if (!r || r.attempts < minAttempts)
      return [
        `${target}: ${r?.attempts ?? 0} attempt(s) during the outage, fewer than ${minAttempts}`,
      ];
    return r.failures > 0
      ? [`${target}: ${r.failures} of ${r.attempts} attempts failed (at ${r.failedAt.join(', ')})`]
      : [];
  });
}

/** Pods that ran before the outage must still run, never restarted. */
export function podProblems(pods: readonly PodAfter[]): string[] {
  return pods.flatMap((p) => {
    if (p.phase !== 'Running') return [`${p.name} is ${p.phase} after the outage`];
    return p.restarts > 0 ? [`${p.name} restarted ${p.restarts} time(s)`] : [];
  });
}

/**
 * The verdict on an outage of `controlPlanes` nodes (their kind containers
 * named in `containers`). An API server that still answered means there was no
 * outage to judge: the check cannot conclude and says so as an error.
 */
export function judgeControlPlaneOutage(
  outage: ControlPlaneOutage,
  containers: readonly string[],
  evidence: Evidence,
): Verdict {
  if (outage.apiServerDuringOutage !== 'unreachable')
    throw new Error(
      `the API server still answered with every control-plane node paused (${containers.join(', ')})`,
    );
  const { targets, apiServerDuringOutage, window, records, nodesReadyAfter } = outage;
  const all = { ...evidence, targets, apiServerDuringOutage, window, records, nodesReadyAfter };
  const problems = [
    ...outageProblems(records, Object.keys(targets), MIN_ATTEMPTS),
    ...podProblems(outage.podsAfter),
  ];
  if (problems.length > 0)
    return fail(
      `pods already running keep serving while every control-plane node is away (${OUTAGE_SECONDS}s)`,
      problems.join('; '),
      all,
    );
  const summary = records.map((r) => `${r.target} ${r.attempts}/${r.attempts}`).join(', ');
  return pass(
    `with ${containers.length} control-plane node(s) paused for ${OUTAGE_SECONDS}s and the API server unreachable, running pods kept serving: ${summary} requests answered`,
    all,
  );
}
