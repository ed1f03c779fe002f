/**
 * Which rows a run takes and what happens to each before the cluster is
 * touched. --focus / --skip: ids or globs ("ra2.ntw.*"), repeatable or
 * comma-separated; a check runs when it matches some focus pattern (or no
 * focus is given) and no skip pattern. Then the plan: rows of another
 * profile, disruptive rows without --disruptive and attest rows are decided
 * here; the others go to the cluster.
 */
import type { Profile } from '../../catalog/types.js';
import type { Attestations } from './attestations.js';
import type { Check } from './registry.js';
import { UsageError } from '../k8s/errors.js';
import { attestedPass, notApplicable, skip, type Verdict } from './result.js';

export function splitPatterns(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((value) => value.split(','))
    .map((value) => value.trim())
    .filter((value) => value.length > 0);
}

/** `*` matches any run of characters, `?` one character; everything else is literal. */
export function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('')
    .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`);
}

export function isSelected(id: string, focus: readonly string[], skip: readonly string[]): boolean {
  const matches = (patterns: readonly string[]) => patterns.some((p) => globToRegExp(p).test(id));
  return (focus.length === 0 || matches(focus)) && !matches(skip);
}

/** The patterns that match none of the ids. */
export function unmatchedPatterns(ids: readonly string[], patterns: readonly string[]): string[] {
  return patterns.filter((pattern) => !ids.some((id) => globToRegExp(pattern).test(id)));
}

/**
 * A --focus or --skip pattern that matches no row is a typo, not a choice:
 * a run that would quietly check everything (or nothing) stops with one line.
 */
export function requireMatches(
  ids: readonly string[],
  patterns: { focus: readonly string[]; skip: readonly string[] },
): void {
  const problems = (['focus', 'skip'] as const).flatMap((flag) =>
    unmatchedPatterns(ids, patterns[flag]).map((p) => `--${flag} "${p}"`),
  );
  if (problems.length === 0) return;
  throw new UsageError(
    `${problems.join(', ')} ${problems.length === 1 ? 'matches' : 'match'} no row (ids look like ra2.ch.001, globs like ra2.ntw.*)`,
  );
}

/** A row either goes to the cluster or is decided without it. */
export type Plan = { check: Check; decided?: Verdict; notImplemented?: boolean };

/** Decides what happens to each selected row before anything touches the cluster. */
export function planChecks(
  checks: readonly Check[],
  options: {
    focus: string[];
    skip: string[];
    profile: Profile;
    disruptive: boolean;
    attestations?: Attestations;
  },
): Plan[] {
  return checks
    .filter((check) => isSelected(check.row.id, options.focus, options.skip))
    .map((check): Plan => {
      const { row } = check;
      if (check.notImplemented) return { check, notImplemented: true };
      if (row.profile === 'network-intensive' && options.profile !== 'network-intensive') {
        return {
          check,
          decided: notApplicable(
            `applies to the Network Intensive profile; this run checks the ${options.profile} profile`,
          ),
        };
      }
      if (check.options.disruptive && !options.disruptive) {
        return { check, decided: skip('disruptive; pass --disruptive') };
      }
      if (check.options.kind === 'attest') {
        const attestation = options.attestations?.get(row.id);
        if (!attestation && !check.body) {
          return {
            check,
            decided: skip(
              `not observable from inside a cluster; attest it with --attestations (${row.id}: statement, evidence, attestedBy)`,
            ),
          };
        }
        if (attestation && !check.body) {
          return {
            check,
            decided: attestedPass(attestation),
          };
        }
      }
      return { check };
    });
}

export function needsCluster(plans: readonly Plan[]): boolean {
  return plans.some((plan) => !plan.notImplemented && !plan.decided);
}
