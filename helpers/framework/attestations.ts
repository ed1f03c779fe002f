/**
 * Attestation files: evidence a person supplies for rows that cannot be seen
 * from inside a cluster (BIOS settings, NICs, the physical machines).
 *
 *   ra2.ch.004:
 *     statement: SMT is enabled in the BIOS of every node's host
 *     evidence: BIOS export 2026-03-01, dmidecode output attached to ticket 42
 *     attestedBy: Jane Operator <jane@example.org>
 *
 * YAML or JSON; the entries may also sit under a top-level `attestations:` key.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from '../k8s/errors.js';

export interface Attestation {
  statement: string;
  /** Free text, a list of items, or structured data, shown as given. */
  evidence: unknown;
  attestedBy: string;
}

export type Attestations = Map<string, Attestation>;

export function parseAttestations(text: string, source = 'attestations'): Attestations {
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
  const result: Attestations = new Map();
  for (const [id, entry] of Object.entries(doc as Record<string, unknown>)) {
    const e = (entry ?? {}) as Record<string, unknown>;
    const missing = ['statement', 'evidence', 'attestedBy'].filter(
      (field) => e[field] === undefined || e[field] === null || e[field] === '',
    );
    if (missing.length > 0) {
      throw new UsageError(`${source}: ${id} lacks ${missing.join(', ')}`);
    }
    if (typeof e.statement !== 'string' || typeof e.attestedBy !== 'string') {
      throw new UsageError(`${source}: ${id}: statement and attestedBy must be text`);
    }
    result.set(id, { statement: e.statement, evidence: e.evidence, attestedBy: e.attestedBy });
  }
  return result;
}

export function loadAttestations(path: string): Attestations {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(
      `cannot read attestations file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`,
    );
  }
  return parseAttestations(text, path);
}
