/**
 * The record a probe client keeps while the control plane is away: one line per
 * attempt, "<unix seconds> <target> ok|fail", written to its own log because
 * nothing can be read through the API during the outage. Parsing and counting
 * are plain functions the unit tests cover; the rule that judges the record is
 * in suites/rules/control-plane-outage.ts.
 */

export interface Attempt {
  at: number;
  target: string;
  ok: boolean;
}

export interface Window {
  /** Unix seconds: the first moment the control plane was away. */
  from: number;
  /** Unix seconds: the moment it was given back. */
  to: number;
}

export interface TargetRecord {
  target: string;
  attempts: number;
  failures: number;
  /** Unix seconds of the failed attempts, for the evidence. */
  failedAt: number[];
}

/** The shell loop that writes the record: one attempt per target per second, forever. */
export function outageClientScript(targets: Record<string, string>): string {
  const probes = Object.entries(targets)
    .map(
      ([name, url]) =>
        `if curl -s -o /dev/null --max-time 1 ${url}; then echo "$t ${name} ok"; else echo "$t ${name} fail"; fi`,
    )
    .join('; ');
  return `while true; do t=$(date +%s); ${probes}; sleep 1; done`;
}

export function parseAttempts(log: string): Attempt[] {
  return log
    .split('\n')
    .map((line) => /^(\d+) (\S+) (ok|fail)$/.exec(line.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ at: Number(m[1]), target: m[2]!, ok: m[3] === 'ok' }));
}

/** Per target, the attempts made strictly inside the window and how many of them failed. */
export function attemptsDuring(attempts: readonly Attempt[], window: Window): TargetRecord[] {
  const byTarget = new Map<string, TargetRecord>();
  for (const a of attempts) {
    if (a.at <= window.from || a.at >= window.to) continue;
    const record = byTarget.get(a.target) ?? {
      target: a.target,
      attempts: 0,
      failures: 0,
      failedAt: [],
    };
    record.attempts += 1;
    if (!a.ok) {
      record.failures += 1;
      record.failedAt.push(a.at);
    }
    byTarget.set(a.target, record);
  }
  return [...byTarget.values()];
}
