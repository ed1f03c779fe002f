/**
 * `ra2 attest init` and `ra2 attest validate`: the attestation workflow. The
 * rows that take an attestation, and which kind, are declared on the checks
 * (`attestable` in the suites); init writes a template of exactly those rows,
 * validate holds a filled-in file against them.
 */
import { loadCatalog } from '../../catalog/index.js';
import type { CatalogRow, Profile } from '../../catalog/types.js';
import {
  acceptsEvidence,
  acceptsNotApplicable,
  attestationFileProblems,
  type Acceptance,
} from '../../helpers/framework/attestations.js';
import {
  acceptanceOf,
  bindSuites,
  type Check,
  type Suite,
} from '../../helpers/framework/registry.js';

/** The checks of a release whose rows take an attestation, for a profile (or every profile). */
export function attestableChecks(
  release: string,
  suites: readonly Suite[],
  profile?: Profile,
): Check[] {
  return bindSuites(loadCatalog(release), suites).filter(
    (check) =>
      check.options.attestable !== 'none' &&
      !check.notImplemented &&
      (!profile || !check.row.profile || check.row.profile === profile),
  );
}

export function acceptanceFor(release: string, suites: readonly Suite[]): Acceptance {
  const catalog = loadCatalog(release);
  return acceptanceOf(catalog, bindSuites(catalog, suites));
}

/** A YAML comment block, wrapped at about 90 columns. */
function comment(text: string, indent: string): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + word.length + 1 > 86) {
      lines.push(`${indent}# ${line}`);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(`${indent}# ${line}`);
  return lines;
}

function rowHeading(row: CatalogRow, kind: string): string {
  const tags = [row.level.toUpperCase(), row.profile, kind].filter(Boolean).join(', ');
  return `${row.id} (${tags}): ${row.title}`;
}

/** One entry of the template: the row's text as a comment, then the fields to fill in. */
function templateEntry(check: Check): string[] {
  const { row } = check;
  const { attestable } = check.options;
  const evidence = acceptsEvidence(attestable);
  const notApplicable = acceptsNotApplicable(attestable);
  const how = [
    evidence &&
      (check.options.kind === 'attest'
        ? 'The suite cannot observe this row: state it holds, with evidence.'
        : 'The check reads this where it can; where it cannot see (managed or external), your evidence stands in.'),
    notApplicable &&
      `The row applies to ${row.condition ?? 'some clusters'}: the check runs unless you state why the row does not apply here (notApplicable).`,
  ]
    .filter(Boolean)
    .join(' ');
  return [
    ...comment(rowHeading(row, check.options.kind), ''),
    ...comment(row.text, ''),
    ...comment(how, ''),
    `${row.id}:`,
    ...(evidence ? ['  statement: ""', '  evidence: ""'] : []),
    ...(notApplicable && !evidence ? ['  notApplicable: ""'] : []),
    ...(notApplicable && evidence
      ? ['  # notApplicable: "" # instead of statement and evidence']
      : []),
    '  attestedBy: ""',
    '  # expires: 2027-01-31',
    '',
  ];
}

export function attestationTemplate(
  release: string,
  suites: readonly Suite[],
  profile?: Profile,
): string {
  const checks = attestableChecks(release, suites, profile);
  return [
    `# RA2 attestations (release ${release}${profile ? `, profile ${profile}` : ''}), for ra2 run --attestations FILE.`,
    '# Fill in the rows you attest and delete the others; every field you keep must be filled in.',
    '# `expires` (an ISO date) is optional; an expired entry is refused.',
    '# Check the file with: ra2 attest validate FILE. See docs/attestations.md.',
    '',
    ...checks.flatMap(templateEntry),
  ].join('\n');
}

/** Every problem of the file, one line each; none means the file is good. */
export function validateAttestationFile(
  file: string,
  release: string,
  suites: readonly Suite[],
  now: Date = new Date(),
): string[] {
  return attestationFileProblems(file, acceptanceFor(release, suites), now);
}
