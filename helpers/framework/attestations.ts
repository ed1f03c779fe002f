/**
 * Attestation files: evidence a person supplies for rows the suite cannot see
 * from inside a cluster (BIOS settings, NICs, the physical machines, a managed
 * etcd), or a statement that a conditional row does not apply here.
 *
 *   ra2.ch.004:
 *     statement: SMT is enabled in the BIOS of every node's host
 *     evidence: BIOS export 2026-03-01, dmidecode output attached to ticket 42
 *     attestedBy: Jane Operator <jane@example.org>
 *     expires: 2027-03-01          # optional, an ISO date
 *   ra2.ntw.008:
 *     notApplicable: no workload on this cluster requires SR-IOV
 *     attestedBy: Jane Operator <jane@example.org>
 *
 * YAML or JSON; the entries may also sit under a top-level `attestations:` key.
 * Which rows take which kind of attestation is declared on the checks
 * (`attestable` in registry.ts); `ra2 attest validate` holds a file against it.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../k8s/errors.js';
import type { AttestationRecord, AttestationsFileInfo } from './result.js';

export interface Attestation extends AttestationRecord {
  /** What is attested; for a not-applicable entry, "not applicable: <reason>". */
  statement: string;
  /** Free text, a list of items, or structured data, shown as given. */
  evidence: unknown;
  attestedBy: string;
}

/** The entries by row id; `file` is set when they were read from a file. */
export interface Attestations extends Map<string, Attestation> {
  file?: AttestationsFileInfo;
}

/**
 * What a row accepts: `evidence` (statement, evidence: the operator vouches
 * the row holds where the suite cannot see it), `not-applicable` (the operator
 * states the row's condition does not hold here), both, or none.
 */
export type Attestable = 'none' | 'evidence' | 'not-applicable' | 'evidence-or-not-applicable';

export function acceptsEvidence(attestable: Attestable): boolean {
  return attestable === 'evidence' || attestable === 'evidence-or-not-applicable';
}

export function acceptsNotApplicable(attestable: Attestable): boolean {
  return attestable === 'not-applicable' || attestable === 'evidence-or-not-applicable';
}

type Entry = Record<string, unknown>;

const isEmpty = (value: unknown) =>
  value === undefined ||
  value === null ||
  (typeof value === 'string' && value.trim() === '') ||
  (Array.isArray(value) && value.length === 0);

/** The mapping from ids to entries; a file that is not one is a usage error. */
function readEntries(text: string, source: string): Map<string, Entry> {
  let doc: unknown;
  try {
    doc = parseYaml(text); // YAML is a superset of JSON
  } catch (err) {
    throw new UsageError(
      `${source}: not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`,
    );
  }
  if (doc && typeof doc === 'object' && 'attestations' in doc) {
    doc = doc.attestations;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) {
    throw new UsageError(`${source}: expected a mapping from RA2 ids to attestations`);
  }
  return new Map(
    Object.entries(doc as Record<string, unknown>).map(([id, entry]) => [
      id,
      (entry && typeof entry === 'object' ? entry : {}) as Entry,
    ]),
  );
}

/** An entry states non-applicability when it has the key, even left empty. */
const isNotApplicableEntry = (entry: Entry) => 'notApplicable' in entry;

/** `expires` as a date, or a problem; YAML may already have read it as a Date. */
function expiryOf(value: unknown): Date | string {
  const date = value instanceof Date ? value : new Date(String(value));
  return Number.isNaN(date.getTime()) ? `expires is not an ISO date: ${String(value)}` : date;
}

/** What is wrong with one entry on its own: empty fields, wrong types, expiry. */
function entryProblems(id: string, entry: Entry, now: Date): string[] {
  const required = isNotApplicableEntry(entry)
    ? ['notApplicable', 'attestedBy']
    : ['statement', 'evidence', 'attestedBy'];
  const missing = required.filter((field) => isEmpty(entry[field]));
  const problems = missing.length > 0 ? [`${id} lacks ${missing.join(', ')}`] : [];
  const texts = ['statement', 'attestedBy', 'notApplicable'].filter(
    (field) => !isEmpty(entry[field]) && typeof entry[field] !== 'string',
  );
  if (texts.length > 0) problems.push(`${id}: ${texts.join(' and ')} must be text`);
  if (entry.expires !== undefined) {
    const expiry = expiryOf(entry.expires);
    if (typeof expiry === 'string') problems.push(`${id}: ${expiry}`);
    else if (expiry.getTime() < now.getTime())
      problems.push(`${id}: expired on ${expiry.toISOString().slice(0, 10)}`);
  }
  return problems;
}

function toAttestation(entry: Entry): Attestation {
  const attestedBy = entry.attestedBy as string;
  const expires =
    entry.expires === undefined
      ? {}
      : { expires: (expiryOf(entry.expires) as Date).toISOString().slice(0, 10) };
  if (isNotApplicableEntry(entry)) {
    const reason = entry.notApplicable as string;
    return {
      statement: `not applicable: ${reason}`,
      evidence: entry.evidence ?? reason,
      attestedBy,
      notApplicable: reason,
      ...expires,
    };
  }
  return {
    statement: entry.statement as string,
    evidence: entry.evidence,
    attestedBy,
    ...expires,
  };
}

/** Reads a file's entries; any entry with a problem (empty field, expired) is a usage error. */
export function parseAttestations(
  text: string,
  source = 'attestations',
  now: Date = new Date(),
): Attestations {
  const entries = readEntries(text, source);
  const problems = [...entries].flatMap(([id, entry]) => entryProblems(id, entry, now));
  if (problems.length > 0) throw new UsageError(`${source}: ${problems.join('; ')}`);
  const result: Attestations = new Map();
  for (const [id, entry] of entries) result.set(id, toAttestation(entry));
  return result;
}

function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read attestations file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
}

export function sha256Of(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The file's entries, with its path and SHA-256 for the results. */
export function loadAttestations(path: string, now: Date = new Date()): Attestations {
  const text = readText(path);
  const attestations = parseAttestations(text, path, now);
  attestations.file = { file: path, sha256: sha256Of(text), entries: attestations.size };
  return attestations;
}

/** What each id accepts; an id absent from the map is unknown to the catalog. */
export type Acceptance = ReadonlyMap<string, Attestable>;

/** An entry held against what its row accepts. */
function acceptanceProblems(id: string, entry: Entry, acceptance: Acceptance): string[] {
  const attestable = acceptance.get(id);
  if (attestable === undefined) return [`${id}: unknown id`];
  if (attestable === 'none') return [`${id}: takes no attestation (the suite observes it)`];
  if (isNotApplicableEntry(entry) && !acceptsNotApplicable(attestable))
    return [`${id}: takes evidence (statement, evidence), not notApplicable`];
  if (!isNotApplicableEntry(entry) && !acceptsEvidence(attestable))
    return [`${id}: takes only notApplicable (why the row does not apply here), not evidence`];
  return [];
}

/**
 * Every problem of a file, one line each: not YAML or JSON, unknown ids, ids
 * that take no attestation or not this kind, empty fields, expired entries.
 */
export function attestationProblems(
  text: string,
  source: string,
  acceptance: Acceptance,
  now: Date = new Date(),
): string[] {
  let entries: Map<string, Entry>;
  try {
    entries = readEntries(text, source);
  } catch (err) {
    return [(err as Error).message];
  }
  return [...entries].flatMap(([id, entry]) =>
    [...acceptanceProblems(id, entry, acceptance), ...entryProblems(id, entry, now)].map(
      (problem) => `${source}: ${problem}`,
    ),
  );
}

/** The same check on a file by path (a file that cannot be read is one problem). */
export function attestationFileProblems(
  path: string,
  acceptance: Acceptance,
  now: Date = new Date(),
): string[] {
  let text: string;
  try {
    text = readText(path);
  } catch (err) {
    return [(err as Error).message];
  }
  return attestationProblems(text, path, acceptance, now);
}
