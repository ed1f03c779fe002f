/**
 * JUnit XML through junit-report-builder: one testcase per result, classname
 * the section, properties for level, condition, traces, release, kind and
 * what the check observes; system-out opens with that sentence (Sonobuoy
 * shows system-out, not properties) and carries the check's log.
 */
import junitModule from 'junit-report-builder';
import type { Builder, TestCase } from 'junit-report-builder';
import { evidenceText, FileReporter, testName } from './format.js';
import { type RunReport, NOT_IMPLEMENTED_REASON } from '../framework/result.js';

/** The package is CommonJS whose module.exports is the builder; its typings disagree under NodeNext. */
const junit = junitModule as unknown as Builder;

interface XmlElement {
  name?: string;
  children?: XmlElement[];
  att(name: string, value: string): unknown;
}

/**
 * junit-report-builder writes <skipped/> without a message; we wrap the test
 * case's build to add one, since a skip must say why.
 */
function skippedWithMessage(testCase: TestCase, message: string): TestCase {
  testCase.skipped();
  const build = testCase.build.bind(testCase) as (parent: unknown) => XmlElement;
  (testCase as unknown as { build: (parent: unknown) => XmlElement }).build = (parent) => {
    const element = build(parent);
    element.children?.find((child) => child.name === 'skipped')?.att('message', message);
    return element;
  };
  return testCase;
}

export function renderJUnit(report: RunReport): string {
  const builder = junit.newBuilder();
  const suite = builder
    .testSuite()
    .name(`RA2 conformance (${report.info.release})`)
    .property('release', report.info.release)
    .property('profile', report.info.profile)
    .property('runId', report.info.runId);
  for (const result of report.results) {
    const { row } = result;
    const testCase = suite
      .testCase()
      .className(result.sectionTitle)
      .name(testName(row))
      .time(result.durationMs / 1000)
      .property('id', row.id)
      .property('level', row.level)
      .property('condition', row.condition ?? 'none')
      .property('profile', row.profile ?? 'any')
      .property('requirementTrace', row.requirementTrace ?? 'none')
      .property('referenceImplementationTrace', row.referenceImplementationTrace ?? 'none')
      .property('release', report.info.release)
      .property('kind', result.kind)
      .property('status', result.status);
    if (row.note) testCase.property('note', row.note);
    if (result.observes) testCase.property('observes', result.observes);
    if (result.interruption) testCase.property('interruption', result.interruption.cause);
    const evidence = evidenceText(result);
    switch (result.status) {
      case 'failed':
        testCase
          .failure(result.message, 'failure')
          .stacktrace(
            `expected: ${result.expected ?? ''}\nobserved: ${result.observed ?? ''}\n${evidence ? `evidence:\n${evidence}` : ''}`,
          );
        break;
      case 'error':
        testCase.error(result.message, 'error', evidence || undefined);
        break;
      case 'skipped':
        skippedWithMessage(testCase, result.message);
        break;
      case 'not-implemented':
        skippedWithMessage(testCase, NOT_IMPLEMENTED_REASON);
        break;
      case 'passed':
        break;
    }
    const out = [
      ...(result.observes ? [`observes: ${result.observes}`] : []),
      ...result.log,
      ...(result.status === 'passed' && evidence ? [`evidence:\n${evidence}`] : []),
    ].join('\n');
    if (out) testCase.standardOutput(out);
  }
  return builder.build();
}

export class JUnitReporter extends FileReporter {
  constructor(path: string, write: (path: string, text: string) => void) {
    super('junit', path, write, renderJUnit);
  }
}
