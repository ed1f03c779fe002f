/** The human conformance report: Markdown, or HTML when the path ends in .html. */
import {
  findingOf,
  notObservedMustRows,
  summariseBySection,
  type CheckResult,
  type RunReport,
} from '../framework/result.js';
import {
  attestationsText,
  evidenceText,
  FileReporter,
  findingsText,
  findingWord,
  notObservedReason,
  outcomeText,
  statusWord,
  testName,
} from './format.js';
import { metadataLines, nodeGroupLines } from './metadata-text.js';
import { renderHtml } from './report-html.js';

export { renderHtml };

/** The MUST rows that kept the run from an answer: id, title and why. */
function notObservedItems(report: RunReport): { id: string; name: string; reason: string }[] {
  return notObservedMustRows(report.results, report.info.profile).map((r) => ({
    id: r.row.id,
    name: testName(r.row),
    reason: notObservedReason(r),
  }));
}

export function renderMarkdown(report: RunReport): string {
  const { info, counts } = report;
  const lines: string[] = [
    `# RA2 conformance report`,
    '',
    `- Release: ${info.release} (${info.releaseTitle})`,
    `- Profile: ${info.profile} (${info.profileSource})`,
    `- Cluster: ${info.context ?? 'n/a'} ${info.server ?? ''} ${info.kubernetesVersion ?? ''}`.trimEnd(),
    `- Run: ${info.runId}, ${info.startedAt} to ${report.finishedAt}`,
    `- **${outcomeText(report)}**`,
    `- Findings: ${findingsText(report.findings)}`,
    `- Result: ${counts.passed} passed, ${counts.failed} failed, ${counts.error} errors, ${counts.skipped} skipped, ${counts['not-implemented']} not implemented`,
    ...(attestationsText(info) ? [`- Attestations: ${attestationsText(info) ?? ''}`] : []),
    ...(report.interrupted ? [`- Interrupted: ${report.interrupted}`] : []),
    ...metadataMarkdown(report),
    '',
    ...notObservedMarkdown(report),
    '| Section | Passed | Failed | Error | Skipped | Not implemented |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...summariseBySection(report.results).map(
      (s) =>
        `| ${s.title} | ${s.counts.passed} | ${s.counts.failed} | ${s.counts.error} | ${s.counts.skipped} | ${s.counts['not-implemented']} |`,
    ),
    '',
  ];
  let section = '';
  for (const result of report.results) {
    if (result.sectionTitle !== section) {
      section = result.sectionTitle;
      lines.push(`## ${section}`, '');
    }
    lines.push(...resultMarkdown(result, info.profile));
  }
  return lines.join('\n') + '\n';
}

/** The run's metadata, one item each; the node groups (bounded) nested under Nodes. */
function metadataMarkdown(report: RunReport): string[] {
  const { metadata } = report.info;
  return metadataLines(report.info).flatMap((line) => [
    `- ${line.label}: ${line.text}`,
    ...(line.key === 'nodes' && metadata
      ? nodeGroupLines(metadata).map((group) => `  - ${group}`)
      : []),
  ]);
}

function notObservedMarkdown(report: RunReport): string[] {
  const items = notObservedItems(report);
  if (items.length === 0) return [];
  return [
    '## MUST rows not observed',
    '',
    ...items.map((item) => `- ${item.name.replace(/([[\]])/g, '\\$1')}: ${item.reason}`),
    '',
  ];
}

function resultMarkdown(result: CheckResult, profile: RunReport['info']['profile']): string[] {
  const { row } = result;
  const evidence = evidenceText(result);
  return [
    `### ${statusWord[result.status]} ${testName(row).replace(/([[\]])/g, '\\$1')}`,
    '',
    `> ${row.text}`,
    '',
    ...(result.observes ? [`- Observes: ${result.observes}`] : []),
    `- Status: **${result.status}** (${findingWord[findingOf(result, profile)]}) — ${result.message}`,
    `- Kind: ${result.kind}; level: ${row.level}; condition: ${row.condition ?? 'none'}; profile: ${row.profile ?? 'any'}`,
    `- Requirement trace: ${row.requirementTrace ?? 'none'}; reference implementation trace: ${row.referenceImplementationTrace ?? 'none'}`,
    ...(row.note ? [`- Note: ${row.note}`] : []),
    ...(result.expected
      ? [`- Expected: ${result.expected}`, `- Observed: ${result.observed ?? ''}`]
      : []),
    ...(evidence ? ['', '```json', evidence, '```'] : []),
    '',
  ];
}

export class ConformanceReportReporter extends FileReporter {
  constructor(path: string, write: (path: string, text: string) => void) {
    super('report', path, write, (report, file) =>
      file.endsWith('.html') ? renderHtml(report) : renderMarkdown(report),
    );
  }
}
