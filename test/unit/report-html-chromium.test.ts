/**
 * The HTML report as a reader sees it: rendered by headless Chromium (Debian's
 * package `chromium`, installed by scripts/ensure-chromium.sh, which `make
 * unit` runs first), the page opens with the outcome, then the failed MUST
 * rows, then the MUST rows not observed, then the per-section summary. No
 * skip: without chromium the test fails and says how to install it.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { renderHtml } from '../../helpers/reporters/report-html.js';
import { report, result } from './fixtures.js';
import { fullReport } from './full-report-fixture.js';

const chromium = process.env.RA2_CHROMIUM ?? 'chromium';

function requireChromium(): void {
  const probe = spawnSync(chromium, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0)
    throw new Error(
      `headless Chromium is needed to check the HTML report, and '${chromium}' ${probe.error ? `cannot run (${probe.error.message})` : `exits ${String(probe.status)}`}: run scripts/ensure-chromium.sh (Debian's package chromium; make unit runs it) or set RA2_CHROMIUM`,
    );
}

/** The DOM after Chromium loaded and laid out the page. */
async function renderedDom(html: string): Promise<string> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ra2-html-'));
  try {
    const file = path.join(dir, 'report.html');
    writeFileSync(file, html);
    const { stdout } = await promisify(execFile)(
      chromium,
      [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
        `--user-data-dir=${path.join(dir, 'profile')}`,
        '--dump-dom',
        `file://${file}`,
      ],
      { timeout: 50_000, maxBuffer: 32 * 1024 * 1024 },
    );
    return stdout;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of an element (by id), tags stripped, whitespace folded. */
function textOf(dom: string, id: string): string {
  const start = dom.indexOf(`id="${id}"`);
  expect(start, `element #${id} in the rendered page`).to.be.greaterThan(-1);
  const tag = dom.lastIndexOf('<', start);
  const name = /^<(\w+)/.exec(dom.slice(tag))?.[1] ?? '';
  const end = dom.indexOf(`</${name}>`, start);
  return dom
    .slice(tag, end)
    .replace(/<[^>]+>/g, ' ')
    .replace(/&gt;/g, '>')
    .replace(/&lt;/g, '<')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The text of each row of a table (by id), header row first. */
function tableRows(dom: string, id: string): string[] {
  const start = dom.indexOf(`id="${id}"`);
  const table = dom.slice(start, dom.indexOf('</table>', start));
  return table
    .split(/<tr[\s>]/)
    .slice(1)
    .map((row) =>
      row
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .trim(),
    );
}

describe('the HTML report in headless Chromium', () => {
  it('opens with the outcome, the failed then not-observed MUST rows and a per-section summary', async function () {
    this.timeout(60_000); // one browser start: ~2 s on an idle machine, more under load
    requireChromium();
    const dom = await renderedDom(renderHtml(fullReport()));
    const order = [
      'outcome',
      'must-failed',
      'must-not-observed',
      'section-summary',
      'run-metadata',
      'rows',
    ].map((id) => dom.indexOf(`id="${id}"`));
    expect(
      order.every((at) => at > 0),
      'every part of the page is rendered',
    ).to.equal(true);
    expect(
      [...order].sort((a, b) => a - b),
      'in this order',
    ).to.deep.equal(order);
    expect(textOf(dom, 'outcome')).to.equal('Outcome: not-conformant (exit 1): a MUST row failed');
    const failed = tableRows(dom, 'must-failed');
    expect(failed[0]).to.equal('Row Section Why');
    expect(failed[1]).to.include('[ra2.k8s.001] Kubernetes Conformance [MUST]');
    expect(failed[1]).to.include('observed v1.20');
    expect(failed, 'a SHOULD failure does not decide the outcome').to.have.length(2);
    const notObserved = tableRows(dom, 'must-not-observed');
    expect(notObserved.slice(1).map((r) => /\[(ra2\.[\w.]+)\]/.exec(r)?.[1])).to.deep.equal([
      'ra2.k8s.003',
      'ra2.k8s.004',
      'ra2.k8s.012a',
    ]);
    expect(notObserved[1]).to.include('SIGTERM received: not run');
    const sections = tableRows(dom, 'section-summary');
    expect(sections[0]).to.equal('Section failed not observed verified attested not applicable');
    expect(sections[1]).to.equal('4.3 Kubernetes 2 3 1 1 1');
    expect(textOf(dom, 'run-metadata')).to.include(
      'CSI drivers forbidden: cannot list CSIDrivers (403)',
    );
  });
});

describe('the HTML report, as written', () => {
  it('says every applicable MUST row passed when none failed or went unobserved', () => {
    const html = renderHtml(report([result('ra2.k8s.013', 'passed')]));
    expect(html).to.include('Every applicable MUST row passed');
    expect(html).not.to.include('id="must-failed"');
  });

  it('leads with the MUST rows not observed when none failed', () => {
    const html = renderHtml(
      report([result('ra2.k8s.013', 'passed'), result('ra2.k8s.001', 'skipped')]),
    );
    expect(html.indexOf('id="must-not-observed"')).to.be.lessThan(
      html.indexOf('id="section-summary"'),
    );
    expect(html).to.include('Outcome: incomplete (exit 3)');
  });

  it('escapes what the cluster said', () => {
    const html = renderHtml(
      report([result('ra2.k8s.001', 'failed', { message: '<script>alert(1)</script>' })]),
    );
    expect(html).not.to.include('<script>alert(1)');
    expect(html).to.include('&lt;script&gt;');
  });
});
