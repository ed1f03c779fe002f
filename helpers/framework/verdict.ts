/**
 * What a check concludes. Checks return verdicts; they never print them.
 * Evidence is whatever was observed, kept as data so every reporter can render it.
 */

export type Evidence = Record<string, unknown>;

export type Verdict =
  | { status: 'passed'; summary: string; evidence?: Evidence }
  | { status: 'failed'; expected: string; observed: string; evidence?: Evidence }
  | { status: 'skipped'; reason: string; evidence?: Evidence };

export function pass(summary: string, evidence?: Evidence): Verdict {
  return { status: 'passed', summary, evidence };
}

/** `expected` says what the spec asks for; `observed` what the cluster showed. */
export function fail(expected: string, observed: string, evidence?: Evidence): Verdict {
  return { status: 'failed', expected, observed, evidence };
}

export function skip(reason: string, evidence?: Evidence): Verdict {
  return { status: 'skipped', reason, evidence };
}
