/**
 * The HTML report. It opens with what a reader needs at a glance: the
 * outcome, then the MUST rows that decided it (failed first, then not
 * observed, with why), then one line per section with its findings as counts
 * and a bar; then the run's metadata; then every row in full.
 */
import {
  findingOf,
  isBlocking,
  notObservedMustRows,
  type CheckResult,
  type Finding,
  type RunReport,
} from '../framework/result.js';
import {
  attestationsText,
  evidenceText,
  findingsText,
  findingWord,
  notObservedReason,
  outcomeText,
  statusWord,
  testName,
} from './format.js';
import { metadataLines, nodeGroupLines } from './metadata-text.js';

const escapeHtml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const findings: readonly Finding[] = [
  'failed',
  'not-observed',
  'verified',
  'attested',
  'not-applicable',
];

const style = `body{font-family:sans-serif;margin:1.5em;max-width:80em}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px;vertical-align:top;text-align:left}
.outcome{font-size:1.4em;padding:.6em 1em;border-radius:6px;color:#fff}
.outcome.conformant{background:#1a7f37}.outcome.not-conformant{background:#b00}.outcome.incomplete{background:#9a6700}
.failed{color:#b00}.not-observed{color:#9a6700}.verified,.attested{color:#1a7f37}.not-applicable{color:#666}
.bar{display:flex;width:20em;height:1em}.bar span.failed{background:#b00}.bar span.not-observed{background:#d4a72c}
.bar span.verified{background:#1a7f37}.bar span.attested{background:#6fdd8b}.bar span.not-applicable{background:#ccc}
tr.passed td:nth-child(4){color:green}tr.failed td:nth-child(4),tr.error td:nth-child(4){color:#b00}pre{white-space:pre-wrap}`;

/** The MUST rows that decided the outcome: failed first, then not observed, each with why. */
export function decidingMustRows(report: RunReport): { finding: Finding; rows: CheckResult[] }[] {
  return [
    { finding: 'failed', rows: report.results.filter(isBlocking) },
    { finding: 'not-observed', rows: notObservedMustRows(report.results, report.info.profile) },
  ];
}

function decidingRowsHtml(report: RunReport): string {
  const groups = decidingMustRows(report).filter((group) => group.rows.length > 0);
  if (groups.length === 0)
    return '<p id="must-rows">Every applicable MUST row passed (verified or attested).</p>';
  return groups
    .map(({ finding, rows }) => {
      const items = rows.map((result) => {
        const why = finding === 'failed' ? result.message : notObservedReason(result);
        return `<tr class="${finding}"><td>${escapeHtml(testName(result.row))}</td><td>${escapeHtml(result.sectionTitle)}</td><td>${escapeHtml(why)}</td></tr>`;
      });
      return `<h2 class="${finding}">MUST rows ${findingWord[finding]} (${rows.length})</h2>
<table id="must-${finding}"><tr><th>Row</th><th>Section</th><th>Why</th></tr>
${items.join('\n')}
</table>`;
    })
    .join('\n');
}

function sectionSummaryHtml(report: RunReport): string {
  const sections = new Map<string, Record<Finding, number>>();
  for (const result of report.results) {
    const counts =
      sections.get(result.sectionTitle) ??
      (Object.fromEntries(findings.map((f) => [f, 0])) as Record<Finding, number>);
    counts[findingOf(result, report.info.profile)]++;
    sections.set(result.sectionTitle, counts);
  }
  const lines = [...sections].map(([title, counts]) => {
    const total = findings.reduce((sum, f) => sum + counts[f], 0) || 1;
    const bar = findings
      .filter((f) => counts[f] > 0)
      .map((f) => `<span class="${f}" style="width:${(100 * counts[f]) / total}%"></span>`)
      .join('');
    const cells = findings
      .map((f) => `<td class="${counts[f] ? f : ''}">${counts[f]}</td>`)
      .join('');
    return `<tr><td>${escapeHtml(title)}</td>${cells}<td><div class="bar">${bar}</div></td></tr>`;
  });
  return `<h2>By section</h2>
<table id="section-summary"><tr><th>Section</th>${findings.map((f) => `<th>${findingWord[f]}</th>`).join('')}<th></th></tr>
${lines.join('\n')}
</table>`;
}

function metadataHtml(report: RunReport): string {
  const { info } = report;
  const lines = metadataLines(info).map((line) => {
    const extra =
      line.key === 'nodes' && info.metadata
        ? `<ul>${nodeGroupLines(info.metadata)
            .map((g) => `<li>${escapeHtml(g)}</li>`)
            .join('')}</ul>`
        : '';
    return `<tr><th>${escapeHtml(line.label)}</th><td>${escapeHtml(line.text)}${extra}</td></tr>`;
  });
  return `<h2>Run</h2>
<table id="run-metadata">
<tr><th>Release</th><td>${escapeHtml(info.release)} (${escapeHtml(info.releaseTitle)})</td></tr>
<tr><th>Profile</th><td>${escapeHtml(info.profile)} (${escapeHtml(info.profileSource)})</td></tr>
<tr><th>Cluster</th><td>${escapeHtml(`${info.context ?? 'n/a'} ${info.server ?? ''} ${info.kubernetesVersion ?? ''}`)}</td></tr>
<tr><th>Run</th><td>${escapeHtml(`${info.runId}, ${info.startedAt} to ${report.finishedAt}`)}</td></tr>
${attestationsText(info) ? `<tr><th>Attestations</th><td>${escapeHtml(attestationsText(info) ?? '')}</td></tr>` : ''}
${lines.join('\n')}
</table>`;
}

function rowHtml(r: CheckResult, report: RunReport): string {
  const evidence = evidenceText(r);
  return `<tr class="${r.status}"><td>${escapeHtml(r.sectionTitle)}</td><td><b>${escapeHtml(testName(r.row))}</b><br><small>${escapeHtml(r.row.text)}</small>${r.observes ? `<br><small>Observes: ${escapeHtml(r.observes)}</small>` : ''}${r.row.note ? `<br><i>${escapeHtml(r.row.note)}</i>` : ''}</td><td>${escapeHtml(r.kind)}</td><td>${statusWord[r.status]}<br><small>${findingWord[findingOf(r, report.info.profile)]}</small></td><td>${escapeHtml(r.message)}${evidence ? `<details><summary>evidence</summary><pre>${escapeHtml(evidence)}</pre></details>` : ''}</td><td>${escapeHtml(r.row.requirementTrace ?? '')}<br>${escapeHtml(r.row.referenceImplementationTrace ?? '')}</td></tr>`;
}

export function renderHtml(report: RunReport): string {
  const { counts } = report;
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>RA2 conformance report ${escapeHtml(report.info.runId)}</title>
<style>${style}</style></head>
<body><h1>RA2 conformance report</h1>
<p id="outcome" class="outcome ${report.outcome}"><b>${escapeHtml(outcomeText(report))}</b></p>
<p id="findings">Findings: ${escapeHtml(findingsText(report.findings))}.
${counts.passed} passed, ${counts.failed} failed, ${counts.error} errors, ${counts.skipped} skipped, ${counts['not-implemented']} not implemented${report.interrupted ? `; interrupted: ${escapeHtml(report.interrupted)}` : ''}.</p>
${decidingRowsHtml(report)}
${sectionSummaryHtml(report)}
${metadataHtml(report)}
<h2>Every row</h2>
<table id="rows"><tr><th>Section</th><th>Specification</th><th>Kind</th><th>Status</th><th>Result</th><th>Traces</th></tr>
${report.results.map((r) => rowHtml(r, report)).join('\n')}
</table></body></html>
`;
}
