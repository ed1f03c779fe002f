import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { expect } from 'chai';
import {
  loadCatalog,
  listReleases,
  DEFAULT_RELEASE,
  UnknownReleaseError,
} from '../../catalog/index.js';
import { parseSpecText, type SpecTextRow } from '../../catalog/spec-text.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const specText = readFileSync(
  path.join(repoRoot, 'spec', 'ra2-chapter4-component-level-architecture.txt'),
  'utf8',
);

/** The spec reuses ra2.k8s.012; the catalog splits it in text order into 012a and 012b. */
function catalogIdsFor(specRows: SpecTextRow[]): Map<string, SpecTextRow> {
  const byId = new Map<string, SpecTextRow>();
  let seen012 = false;
  for (const row of specRows) {
    let id = row.specId;
    if (id === 'ra2.k8s.012') {
      id = seen012 ? 'ra2.k8s.012b' : 'ra2.k8s.012a';
      seen012 = true;
    }
    byId.set(id, row);
  }
  return byId;
}

describe('catalog', () => {
  const catalog = loadCatalog(DEFAULT_RELEASE);
  const specRows = parseSpecText(specText);
  const expected = catalogIdsFor(specRows);

  it('the spec text has 73 specification rows', () => {
    expect(specRows).to.have.length(73);
  });

  it('has exactly the ids of the spec text, with ra2.k8s.012 split into 012a/012b', () => {
    const catalogIds = catalog.rows.map((row) => row.id).sort();
    expect(catalogIds).to.deep.equal([...expected.keys()].sort());
    expect(catalog.rows).to.have.length(73);
  });

  it('notes the 012a/012b split on both rows', () => {
    for (const id of ['ra2.k8s.012a', 'ra2.k8s.012b']) {
      const row = catalog.rows.find((r) => r.id === id);
      expect(row?.specId).to.equal('ra2.k8s.012');
      expect(row?.note).to.match(/ra2\.k8s\.012 twice/);
    }
    expect(catalog.rows.find((r) => r.id === 'ra2.k8s.012a')?.title).to.equal(
      'Control plane services',
    );
    expect(catalog.rows.find((r) => r.id === 'ra2.k8s.012b')?.text).to.match(/Alpha API/);
  });

  it('carries each row text and traces verbatim from the spec', () => {
    for (const row of catalog.rows) {
      const source = expected.get(row.id);
      expect(source, row.id).to.not.equal(undefined);
      expect(row.text, row.id).to.equal(source?.text);
      expect(row.requirementTrace, row.id).to.equal(source?.requirementTrace);
      expect(row.referenceImplementationTrace, row.id).to.equal(
        source?.referenceImplementationTrace,
      );
      if (source?.title) expect(row.title, row.id).to.equal(source.title);
      else expect(row.note, `${row.id} has a derived title, so it needs a note`).to.be.a('string');
    }
  });

  it('puts each row in the section of its heading', () => {
    for (const row of catalog.rows) {
      const section = catalog.sections.find((s) => s.key === row.section);
      expect(section?.number, row.id).to.equal(expected.get(row.id)?.sectionNumber);
    }
  });

  it('derives each level from a modal verb the text uses, or explains it in a note', () => {
    const modal = { must: /\bmust\b/, should: /\bshould\b/, may: /\bmay\b/ } as const;
    for (const row of catalog.rows) {
      if (!modal[row.level].test(row.text)) {
        expect(row.note, `${row.id} is ${row.level} without that word`).to.be.a('string');
      }
      const words = Object.entries(modal).filter(([, re]) => re.test(row.text));
      if (words.length > 1) {
        expect(row.note, `${row.id} mixes modal verbs, so it needs a note`).to.be.a('string');
      }
    }
  });

  it('marks Network Intensive rows with that profile', () => {
    for (const row of catalog.rows) {
      const mentionsNi = /(matching|match) the Network Intensive profile/.test(row.text);
      if (mentionsNi) expect(row.profile, row.id).to.equal('network-intensive');
    }
    expect(catalog.rows.find((r) => r.id === 'ra2.ch.014')?.profile).to.equal('basic');
  });

  it('lists the default release and refuses an unknown one', () => {
    expect(listReleases()).to.include(DEFAULT_RELEASE);
    expect(() => loadCatalog('no-such-release')).to.throw(UnknownReleaseError, /no-such-release/);
  });
});
