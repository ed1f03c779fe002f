/** The whole run as JSON, for machines. */
import { type RunReport, isBlocking, summariseBySection } from '../framework/result.js';
import { FileReporter } from './format.js';

export function renderJson(report: RunReport): string {
  return JSON.stringify(
    {
      ...report.info,
      finishedAt: report.finishedAt,
      exitCode: report.exitCode,
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
