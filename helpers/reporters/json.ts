/** The whole run as JSON, for machines; schemas/ra2-results.schema.json describes it. */
import {
  type RunReport,
  findingOf,
  isBlocking,
  notObservedMustRows,
  RESULTS_SCHEMA_VERSION,
  summariseBySection,
} from '../framework/result.js';
import { FileReporter } from './format.js';

type RenderedListener = (json: string) => void;
const renderedListeners = new Set<RenderedListener>();

/**
 * Calls `listener` with every results JSON this process renders, until the
 * returned function is called: the schema test validates each one the unit
 * tests produce.
 */
export function onJsonRendered(listener: RenderedListener): () => void {
  renderedListeners.add(listener);
  return () => renderedListeners.delete(listener);
}

export function renderJson(report: RunReport): string {
  const json = jsonOf(report);
  for (const listener of renderedListeners) listener(json);
  return json;
}

function jsonOf(report: RunReport): string {
  return JSON.stringify(
    {
      schemaVersion: RESULTS_SCHEMA_VERSION,
      ...report.info,
      finishedAt: report.finishedAt,
      outcome: report.outcome,
      exitCode: report.exitCode,
      findings: report.findings,
      notObservedMustRows: notObservedMustRows(report.results, report.info.profile).map((r) => ({
        id: r.row.id,
        reason: r.message,
      })),
      interrupted: report.interrupted,
      interruption: report.interruption,
      counts: report.counts,
      sections: summariseBySection(report.results),
      results: report.results.map((r) => ({
        id: r.row.id,
        specId: r.row.specId,
        title: r.row.title,
        section: r.sectionTitle,
        level: r.row.level,
        profile: r.row.profile,
        condition: r.row.condition,
        requirementTrace: r.row.requirementTrace,
        referenceImplementationTrace: r.row.referenceImplementationTrace,
        note: r.row.note,
        kind: r.kind,
        observes: r.observes,
        status: r.status,
        finding: findingOf(r, report.info.profile),
        applicability:
          r.status === 'skipped'
            ? findingOf(r, report.info.profile) === 'not-applicable'
              ? 'not-applicable'
              : 'not-observed'
            : undefined,
        attestation: r.attestation,
        blocking: isBlocking(r),
        message: r.message,
        expected: r.expected,
        observed: r.observed,
        evidence: r.evidence,
        durationMs: r.durationMs,
        startedAt: r.startedAt,
        interruption: r.interruption,
        log: r.log,
      })),
    },
    null,
    2,
  );
}

export class JsonReporter extends FileReporter {
  constructor(path: string, write: (path: string, text: string) => void) {
    super('json', path, write, (report) => renderJson(report) + '\n');
  }
}
