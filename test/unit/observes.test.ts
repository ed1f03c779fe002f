/** The sentence a check declares about what it observes, shown by every report that names the row. */
import { expect } from 'chai';
import { XMLParser } from 'fast-xml-parser';
import { renderJson } from '../../helpers/reporters/json.js';
import { renderJUnit } from '../../helpers/reporters/junit.js';
import { renderHtml, renderMarkdown } from '../../helpers/reporters/report.js';
import { report, result } from './fixtures.js';

interface Case {
  'system-out'?: string;
  properties: { property: { name: string; value: string }[] };
}

const sentence = 'the API server lists every Kubernetes API group at its GA version';
const run = report([
  result('ra2.k8s.013', 'passed', { observes: sentence, log: ['listed 30 groups'] }),
  result('ra2.k8s.014', 'passed'),
]);

describe('what a check observes, in the reports', () => {
  it('JUnit: an "observes" property and a system-out line after level and kind, only when declared', () => {
    const cases = (
      new XMLParser({
        ignoreAttributes: false,
        attributeNamePrefix: '',
        isArray: (name) => ['testcase', 'property', 'testsuite'].includes(name),
      }).parse(renderJUnit(run)) as { testsuites: { testsuite: { testcase: Case[] }[] } }
    ).testsuites.testsuite[0]?.testcase;
    const observes = (c: Case | undefined) =>
      c?.properties.property.find((p) => p.name === 'observes')?.value;
    expect(observes(cases?.[0])).to.equal(sentence);
    expect(cases?.[0]?.['system-out']).to.equal(
      `level: MUST\nkind: inspect\nobserves: ${sentence}\nlisted 30 groups`,
    );
    expect(observes(cases?.[1])).to.equal(undefined);
    expect(cases?.[1]?.['system-out']).to.equal('level: MUST\nkind: inspect');
  });

  it('Markdown and HTML: next to the row, only when declared', () => {
    const markdown = renderMarkdown(run);
    expect(markdown).to.contain(`- Observes: ${sentence}`);
    expect(markdown.match(/- Observes:/g)).to.have.length(1);
    expect(renderHtml(run)).to.contain(`Observes: ${sentence}`);
  });

  it('JSON: an "observes" field per result', () => {
    const json = JSON.parse(renderJson(run)) as { results: { observes?: string }[] };
    expect(json.results.map((r) => r.observes)).to.deep.equal([sentence, undefined]);
  });
});
