/**
 * schemas/ra2-results.schema.json describes the results JSON: a representative
 * full report, a run through the real runner, and every results JSON any unit
 * test renders in this process (collected by a root hook, validated after all
 * tests) must validate against it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { RESULTS_SCHEMA_VERSION } from '../../helpers/framework/result.js';
import { runSuite } from '../../helpers/framework/runner.js';
import { onJsonRendered, renderJson } from '../../helpers/reporters/json.js';
import { fakeRunOptions, fakeSuite } from './fake-run.js';
import { fullReport } from './full-report-fixture.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const schema = JSON.parse(
  readFileSync(path.join(root, 'schemas', 'ra2-results.schema.json'), 'utf8'),
) as object;

/** ajv-formats is CommonJS: its default export is the plugin function. */
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const validate = ajv.compile(schema);

function problems(json: unknown): string[] {
  return validate(json)
    ? []
    : (validate.errors ?? []).map(
        (e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''}`,
      );
}

// Root hooks: they see every test of the run, in every file.
const rendered: string[] = [];
let stopCollecting: (() => void) | undefined;
before(() => {
  stopCollecting = onJsonRendered((json) => rendered.push(json));
});
after(() => {
  stopCollecting?.();
  expect(rendered.length, 'results JSON rendered by the unit tests').to.be.greaterThan(0);
  const invalid = rendered
    .map((json) => ({ json, problems: problems(JSON.parse(json)) }))
    .filter((r) => r.problems.length > 0);
  expect(
    invalid.map(
      (r) => `${(JSON.parse(r.json) as { runId: string }).runId}: ${r.problems.join('; ')}`,
    ),
    `of ${rendered.length} results JSON rendered by the unit tests, these do not match the schema`,
  ).to.deep.equal([]);
});

describe('the results JSON schema (schemas/ra2-results.schema.json)', () => {
  it('holds for a representative full report, metadata and all', () => {
    const json = JSON.parse(renderJson(fullReport(1000))) as Record<string, unknown>;
    expect(problems(json)).to.deep.equal([]);
    expect(json.schemaVersion).to.equal(RESULTS_SCHEMA_VERSION);
    const metadata = json.metadata as { nodes: { value: unknown[] }; csiDrivers: unknown };
    expect(metadata.nodes.value, 'the JSON holds every node').to.have.length(1000);
    expect(metadata.csiDrivers).to.deep.equal({
      unavailable: 'forbidden: cannot list CSIDrivers (403)',
    });
  });

  it('holds for a run of the real runner, with the metadata it collected', async () => {
    const report = await runSuite(fakeRunOptions(fakeSuite(-1)));
    const json = JSON.parse(renderJson(report)) as {
      metadata?: { tool: { version: string }; probeImage: { note?: string }; cni: unknown };
    };
    expect(problems(json)).to.deep.equal([]);
    expect(json.metadata?.tool.version).to.match(/^\d+\.\d+\.\d+/);
    expect(json.metadata?.probeImage.note).to.equal('the image preflight was skipped');
    expect(json.metadata?.cni).to.deep.equal({
      value: { name: 'unknown', plugins: [], metaPlugins: [], evidence: [] },
    });
  });

  it('refuses what is not a results JSON: a missing schemaVersion, a wrong outcome, a bad fact', () => {
    const good = JSON.parse(renderJson(fullReport())) as Record<string, unknown>;
    const withoutVersion = { ...good };
    delete withoutVersion.schemaVersion;
    expect(problems(withoutVersion).join()).to.include(
      "must have required property 'schemaVersion'",
    );
    expect(problems({ ...good, outcome: 'green' }).join()).to.include('/outcome');
    const metadata = good.metadata as Record<string, unknown>;
    expect(
      problems({ ...good, metadata: { ...metadata, cni: { value: 'calico' } } }).join(),
    ).to.include('/metadata/cni');
    const results = good.results as Record<string, unknown>[];
    expect(problems({ ...good, results: [{ ...results[0], status: 'green' }] }).join()).to.include(
      '/results/0/status',
    );
  });
});
