/** `ra2 attest init`, filled in, passes `ra2 attest validate` and turns the attest rows into attested passes. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { parse as parseYaml } from 'yaml';
import { run } from '../../cli/ra2/run.js';
import { loadAttestations } from '../../helpers/framework/attestations.js';
import { bindSuites } from '../../helpers/framework/registry.js';
import { buildRunReport, findingOf, outcomeOf } from '../../helpers/framework/result.js';
import { decidedResult, planChecks } from '../../helpers/framework/runner.js';
import { allSuites } from '../../suites/index.js';
import { capture, catalog } from './fixtures.js';

/** Fills every field of the template: evidence where asked, a reason where only notApplicable is. */
function fillIn(template: string): string {
  const doc = parseYaml(template) as Record<string, Record<string, string>>;
  for (const entry of Object.values(doc)) {
    for (const field of Object.keys(entry)) entry[field] = `${field} given`;
  }
  return JSON.stringify(doc, null, 2);
}

describe('the attestation workflow', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ra2-attest-'));
  const templateFile = path.join(dir, 'template.yaml');

  it('init writes a template of every row that takes an attestation, and only those', async () => {
    const io = capture();
    expect(await run(['attest', 'init', '--output', templateFile], io.streams)).to.equal(0);
    const ids = Object.keys(parseYaml(readFileSync(templateFile, 'utf8')) as object);
    const attestRows = bindSuites(catalog, allSuites)
      .filter((c) => c.options.kind === 'attest')
      .map((c) => c.row.id);
    expect(ids).to.include.members([
      ...attestRows,
      'ra2.k8s.002',
      'ra2.k8s.012a',
      'ra2.ntw.008',
      'ra2.ntw.011',
      'ra2.ntw.012',
      'ra2.app.009',
      'ra2.pkg.001',
      // The hardware rows: probed on bare metal, attested where nodes are VMs or containers.
      'ra2.ch.002',
      'ra2.ch.004',
      'ra2.ch.008',
      'ra2.ch.009',
      'ra2.ch.013',
      'ra2.ch.014',
      'ra2.ch.015',
      'ra2.ntw.010',
    ]);
    expect(ids).to.have.length(attestRows.length + 15);
    expect(ids).not.to.include('ra2.k8s.013');
  });

  it('init --profile basic leaves out the rows of the Network Intensive profile', async () => {
    const io = capture();
    expect(await run(['attest', 'init', '--profile', 'basic'], io.streams)).to.equal(0);
    const ids = Object.keys(parseYaml(io.out.join('')) as object);
    expect(ids).not.to.include('ra2.ntw.008').and.not.to.include('ra2.ch.002');
    expect(ids).to.include('ra2.ch.004').and.to.include('ra2.ntw.011');
  });

  it('validate refuses the template as it comes (empty fields), one line per problem', async () => {
    const io = capture();
    expect(await run(['attest', 'validate', templateFile], io.streams)).to.equal(2);
    const lines = io.err.join('').trim().split('\n');
    expect(lines[0]).to.match(/^ra2: .*template\.yaml: ra2\.\S+ lacks /);
    expect(lines.length).to.be.greaterThan(10);
  });

  it('filled in, it passes validate and turns the attest rows into attested passes', async () => {
    const filled = path.join(dir, 'filled.json');
    writeFileSync(filled, fillIn(readFileSync(templateFile, 'utf8')));
    const io = capture();
    expect(await run(['attest', 'validate', filled], io.streams)).to.equal(0);
    expect(io.out.join('')).to.match(/attestation\(s\) valid; sha256 [0-9a-f]{64}/);

    const attestations = loadAttestations(filled);
    const checks = bindSuites(catalog, allSuites).filter((c) => c.options.kind === 'attest');
    const plans = planChecks(checks, {
      focus: [],
      skip: [],
      profile: 'network-intensive',
      disruptive: false,
      attestations,
    });
    const results = plans.map((plan) => decidedResult(catalog, plan.check, plan.decided!));
    expect(results.map((r) => findingOf(r, 'network-intensive'))).to.satisfy((all: string[]) =>
      all.every((finding) => finding === 'attested'),
    );
    expect(outcomeOf(results, 'network-intensive')).to.equal('conformant');
    const report = buildRunReport(
      {
        runId: 'r',
        release: catalog.release,
        releaseTitle: catalog.title,
        profile: 'network-intensive',
        profileSource: 'given',
        startedAt: '2026-01-01T00:00:00Z',
        total: results.length,
        attestations: attestations.file,
      },
      results,
      '2026-01-01T00:01:00Z',
    );
    expect(report.findings.attested).to.equal(results.length);
    expect(report.findings.verified).to.equal(0);
    expect(report.info.attestations?.sha256).to.match(/^[0-9a-f]{64}$/);
  });

  it('validate refuses a typo in an id, with exit 2', async () => {
    const typo = path.join(dir, 'typo.yaml');
    writeFileSync(typo, 'ra2.ch.04:\n  statement: SMT on\n  evidence: bios\n  attestedBy: Jane\n');
    const io = capture();
    expect(await run(['attest', 'validate', typo], io.streams)).to.equal(2);
    expect(io.err.join('')).to.equal(`ra2: ${typo}: ra2.ch.04: unknown id\n`);
  });

  it('validate refuses an expired entry and an id the suite observes itself', async () => {
    const file = path.join(dir, 'expired.yaml');
    writeFileSync(
      file,
      [
        'ra2.ch.016:',
        '  statement: SMT on',
        '  evidence: bios',
        '  attestedBy: Jane',
        '  expires: 2020-01-31',
        'ra2.k8s.013:',
        '  statement: APIs are fine',
        '  evidence: trust me',
        '  attestedBy: Jane',
      ].join('\n'),
    );
    const io = capture();
    expect(await run(['attest', 'validate', file], io.streams)).to.equal(2);
    expect(io.err.join('').trim().split('\n')).to.deep.equal([
      `ra2: ${file}: ra2.ch.016: expired on 2020-01-31`,
      `ra2: ${file}: ra2.k8s.013: takes no attestation (the suite observes it)`,
    ]);
  });

  it('ra2 run refuses the same problems before touching a cluster', async () => {
    const typo = path.join(dir, 'typo.yaml');
    const io = capture();
    expect(
      await run(
        ['run', '--profile', 'basic', '--focus', 'ra2.ch.016', '--attestations', typo],
        io.streams,
      ),
    ).to.equal(2);
    expect(io.err.join('')).to.contain('ra2.ch.04: unknown id');
  });

  it('ra2 run with a valid file: attested, exit 0, the SHA-256 in the console and the JSON', async () => {
    const file = path.join(dir, 'ch004.yaml');
    writeFileSync(file, 'ra2.ch.016:\n  statement: SMT on\n  evidence: bios\n  attestedBy: Jane\n');
    const json = path.join(dir, 'results.json');
    const io = capture();
    const code = await run(
      [
        'run',
        '--profile',
        'basic',
        '--focus',
        'ra2.ch.016',
        '--attestations',
        file,
        '--json',
        json,
      ],
      io.streams,
    );
    expect(code).to.equal(0);
    const out = io.out.join('');
    expect(out).to.match(/Attestations: .*ch004\.yaml \(sha256 [0-9a-f]{64}, 1 entries\)/);
    expect(out)
      .to.match(/0 verified, 1 attested/)
      .and.to.match(/Outcome: conformant \(exit 0\)/);
    const written = JSON.parse(readFileSync(json, 'utf8')) as {
      outcome: string;
      attestations: { sha256: string };
      results: { finding: string }[];
    };
    expect(written.outcome).to.equal('conformant');
    expect(written.attestations.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(written.results[0]?.finding).to.equal('attested');
  });
});
