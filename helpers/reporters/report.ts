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

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function renderHtml(report: RunReport): string {
  const { info, counts } = report;
  const rows = report.results
    .map((r) => {
      const evidence = evidenceText(r);
      return `<tr class="${r.status}"><td>${escapeHtml(r.sectionTitle)}</td><td><b>${escapeHtml(testName(r.row))}</b><br><small>${escapeHtml(r.row.text)}</small>${r.observes ? `<br><small>Observes: ${escapeHtml(r.observes)}</small>` : ''}${r.row.note ? `<br><i>${escapeHtml(r.row.note)}</i>` : ''}</td><td>${escapeHtml(r.kind)}</td><td>${statusWord[r.status]}<br><small>${findingWord[findingOf(r, info.profile)]}</small></td><td>${escapeHtml(r.message)}${evidence ? `<details><summary>evidence</summary><pre>${escapeHtml(evidence)}</pre></details>` : ''}</td><td>${escapeHtml(r.row.requirementTrace ?? '')}<br>${escapeHtml(r.row.referenceImplementationTrace ?? '')}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>RA2 conformance report ${escapeHtml(info.runId)}</title>
<style>body{font-family:sans-serif}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px;vertical-align:top}
tr.passed td:nth-child(4){color:green}tr.failed td:nth-child(4),tr.error td:nth-child(4){color:#b00}pre{white-space:pre-wrap}</style></head>
<body><h1>RA2 conformance report</h1>
<p>Release ${escapeHtml(info.release)}; profile ${escapeHtml(info.profile)} (${escapeHtml(info.profileSource)}); cluster ${escapeHtml(info.context ?? 'n/a')} ${escapeHtml(info.server ?? '')} ${escapeHtml(info.kubernetesVersion ?? '')}; run ${escapeHtml(info.runId)}.</p>
<p class="outcome ${report.outcome}"><b>${escapeHtml(outcomeText(report))}</b></p>
<p>Findings: ${escapeHtml(findingsText(report.findings))}.</p>
<p>${counts.passed} passed, ${counts.failed} failed, ${counts.error} errors, ${counts.skipped} skipped, ${counts['not-implemented']} not implemented${report.interrupted ? `; interrupted: ${escapeHtml(report.interrupted)}` : ''}.</p>
${attestationsText(info) ? `<p>Attestations: ${escapeHtml(attestationsText(info) ?? '')}</p>` : ''}
${notObservedHtml(report)}
<table><tr><th>Section</th><th>Specification</th><th>Kind</th><th>Status</th><th>Result</th><th>Traces</th></tr>
${rows}
</table></body></html>
`;
}

function notObservedHtml(report: RunReport): string {
  const items = notObservedItems(report);
  if (items.length === 0) return '';
  return `<h2>MUST rows not observed</h2>\n<ul>\n${items.map((item) => `<li><b>${escapeHtml(item.name)}</b>: ${escapeHtml(item.reason)}</li>`).join('\n')}\n</ul>`;
}

export class ConformanceReportReporter extends FileReporter {
  constructor(path: string, write: (path: string, text: string) => void) {
    super('report', path, write, (report, file) =>
      file.endsWith('.html') ? renderHtml(report) : renderMarkdown(report),
    );
  }
}
