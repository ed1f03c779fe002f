/**
 * JUnit XML through junit-report-builder: one testcase per result, classname
 * the section, properties for level, condition, traces, release, kind, what
 * the check observes, its finding and whether a failure blocks; the suite's
 * properties carry the run's outcome, the attestations file's SHA-256 and the
 * run's metadata (tool, catalog, options, probe image, nodes, add-ons).
 * system-out opens with the level, the kind, what a skip means and why, and
 * whether a failure fails the run, then what the check observes (Sonobuoy
 * shows system-out, not properties), then the check's log.
 *
 * A SHOULD or MAY failure is a <failure> with blocking=false; for Sonobuoy,
 * which marks a plugin failed on any <failure>, the plugin renders it as a
 * skip whose message says it failed (`nonBlockingFailures: 'skipped'`).
 */
import junitModule from 'junit-report-builder';
import type { Builder, TestCase } from 'junit-report-builder';
import {
  attestedByOf,
  evidenceText,
  FileReporter,
  findingsText,
  findingWord,
  outcomeText,
  resultHeaderLines,
  testName,
} from './format.js';
import { metadataLines, nodeGroupLines } from './metadata-text.js';
import {
  findingOf,
  isBlocking,
  type CheckResult,
  type RunReport,
  NOT_IMPLEMENTED_REASON,
} from '../framework/result.js';

export interface JUnitOptions {
  /** How a SHOULD/MAY failure is written: a <failure> (default) or, for Sonobuoy, a <skipped>. */
  nonBlockingFailures?: 'failure' | 'skipped';
}

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

function failureDetail(result: CheckResult, evidence: string): string {
  return `expected: ${result.expected ?? ''}\nobserved: ${result.observed ?? ''}\n${evidence ? `evidence:\n${evidence}` : ''}`;
}

/**
 * The run's metadata as suite properties: one per line of the report header,
 * the node groups (bounded, one property each) and the values a machine
 * compares (tool version, catalog SHA-256, probe image digest).
 */
export function metadataProperties(report: RunReport): [string, string][] {
  const { metadata } = report.info;
  if (!metadata) return [];
  return [
    ['toolVersion', metadata.tool.version],
    ['catalogRelease', metadata.catalog.release],
    ['catalogSha256', metadata.catalog.sha256 ?? metadata.catalog.problem ?? 'unknown'],
    ['probeImage', metadata.probeImage.image],
    ['probeImageDigest', metadata.probeImage.digest ?? metadata.probeImage.note ?? 'unknown'],
    ...metadataLines(report.info).map((line): [string, string] => [`run.${line.key}`, line.text]),
    ...nodeGroupLines(metadata).map((text, i): [string, string] => [`run.nodes.${i + 1}`, text]),
  ];
}

export function renderJUnit(report: RunReport, options: JUnitOptions = {}): string {
  const builder = junit.newBuilder();
  const suite = builder
    .testSuite()
    .name(`RA2 conformance (${report.info.release})`)
    .property('release', report.info.release)
    .property('profile', report.info.profile)
    .property('runId', report.info.runId)
    .property('outcome', report.outcome)
    .property('outcomeText', outcomeText(report))
    .property('findings', findingsText(report.findings));
  if (report.info.attestations) {
    suite.property('attestationsFile', report.info.attestations.file);
    suite.property('attestationsSha256', report.info.attestations.sha256);
  }
  for (const [name, value] of metadataProperties(report)) suite.property(name, value);
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
      .property('status', result.status)
      .property('finding', findingWord[findingOf(result, report.info.profile)]);
    if (result.status === 'failed') testCase.property('blocking', String(isBlocking(result)));
    if (result.attestation || findingOf(result, report.info.profile) === 'attested')
      testCase.property('attestedBy', attestedByOf(result));
    if (row.note) testCase.property('note', row.note);
    if (result.observes) testCase.property('observes', result.observes);
    if (result.interruption) testCase.property('interruption', result.interruption.cause);
    const evidence = evidenceText(result);
    switch (result.status) {
      case 'failed':
        if (!isBlocking(result) && options.nonBlockingFailures === 'skipped')
          skippedWithMessage(
            testCase,
            `${row.level.toUpperCase()}-level failure, does not fail the run: ${result.message}`,
          );
        else
          testCase.failure(result.message, 'failure').stacktrace(failureDetail(result, evidence));
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
      ...resultHeaderLines(result, report.info.profile),
      ...(result.observes ? [`observes: ${result.observes}`] : []),
      ...result.log,
      ...(result.status === 'passed' && evidence ? [`evidence:\n${evidence}`] : []),
      ...(result.status === 'failed' &&
      !isBlocking(result) &&
      options.nonBlockingFailures === 'skipped'
        ? [failureDetail(result, evidence)]
        : []),
    ].join('\n');
    if (out) testCase.standardOutput(out);
  }
  return builder.build();
}

export class JUnitReporter extends FileReporter {
  constructor(
    path: string,
    write: (path: string, text: string) => void,
    options: JUnitOptions = {},
  ) {
    super('junit', path, write, (report) => renderJUnit(report, options));
  }
}
