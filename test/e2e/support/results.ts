/**
 * Reading what a run wrote: the JUnit file through a standard parser
 * (fast-xml-parser, with its validator first), and the JSON results file;
 * and the exit code a run's own rows call for.
 */
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import {
  EXIT_CONFORMANT,
  EXIT_INCOMPLETE,
  EXIT_NOT_CONFORMANT,
} from '../../../helpers/framework/result.js';
import { describeResult, type CliResult } from './cli.js';

export interface JUnitCase {
  name: string;
  classname: string;
  /** From the <properties> of the test case. */
  properties: Record<string, string>;
  status: 'passed' | 'failed' | 'error' | 'skipped';
  /** failure/error/skipped message attribute */
  message?: string;
  /** failure/error body (expected, observed, evidence) */
  details?: string;
  systemOut?: string;
}

interface RawOutcome {
  message?: string;
  '#text'?: string;
}
interface RawCase {
  name: string;
  classname: string;
  properties?: { property: { name: string; value: string }[] };
  failure?: RawOutcome | string;
  error?: RawOutcome | string;
  skipped?: RawOutcome | string;
  'system-out'?: string;
}

function outcome(raw: RawOutcome | string | undefined): { message?: string; details?: string } {
  if (raw === undefined) return {};
  if (typeof raw === 'string') return { details: raw };
  return { message: raw.message, details: raw['#text'] };
}

/** Validates and parses a JUnit file; throws with the validator's complaint if it is not XML. */
export function parseJUnit(file: string): { suites: number; cases: JUnitCase[] } {
  const xml = readFileSync(file, 'utf8');
  const valid = XMLValidator.validate(xml);
  if (valid !== true)
    throw new Error(`${file} is not well-formed XML: ${valid.err.msg} at line ${valid.err.line}`);
  const doc = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    parseAttributeValue: false,
    parseTagValue: false,
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  }).parse(xml) as { testsuites?: { testsuite?: { testcase?: RawCase[] }[] } };
  const suites = doc.testsuites?.testsuite ?? [];
  const cases = suites.flatMap((suite) =>
    (suite.testcase ?? []).map((raw): JUnitCase => {
      const properties = Object.fromEntries(
        (raw.properties?.property ?? []).map((p) => [p.name, String(p.value)]),
      );
      const status =
        raw.failure !== undefined
          ? 'failed'
          : raw.error !== undefined
            ? 'error'
            : raw.skipped !== undefined
              ? 'skipped'
              : 'passed';
      return {
        name: String(raw.name),
        classname: String(raw.classname),
        properties,
        status,
        ...outcome(raw.failure ?? raw.error ?? raw.skipped),
        systemOut: raw['system-out'],
      };
    }),
  );
  return { suites: suites.length, cases };
}

/** One result of the JSON file the CLI writes with --json. */
export interface JsonResult {
  id: string;
  status: string;
  level: string;
  /** The profile the row belongs to, if only one. */
  profile?: string;
  blocking: boolean;
  /** On a skipped row: not-applicable or not-observed. */
  applicability?: string;
  /** Set when an interruption cut the row short or kept it from starting. */
  interruption?: { cause: string; detail: string };
  finding?: string;
  message: string;
  expected?: string;
  observed?: string;
  evidence?: Record<string, unknown>;
  log: string[];
  durationMs: number;
}

export interface JsonReport {
  runId: string;
  profile: string;
  outcome: Outcome;
  exitCode: number;
  /** MUST rows that applied but got no verdict, with their reason. */
  notObservedMustRows: { id: string; reason: string }[];
  interrupted?: string;
  results: JsonResult[];
}

export function readJsonReport(file: string): JsonReport {
  return JSON.parse(readFileSync(file, 'utf8')) as JsonReport;
}

export function resultOf(report: JsonReport, id: string): JsonResult {
  const result = report.results.find((r) => r.id === id);
  if (!result) throw new Error(`the results have no row ${id}`);
  return result;
}

/** One line per result, for assertion messages and the test log. */
export function verdictTable(report: JsonReport, ids: readonly string[]): string {
  return ids
    .map((id) => {
      const r = resultOf(report, id);
      return `${id}: ${r.status} (${r.durationMs} ms) ${r.message}`;
    })
    .join('\n');
}

export type Outcome = 'conformant' | 'not-conformant' | 'incomplete';

const exitCodeOf: Record<Outcome, number> = {
  conformant: EXIT_CONFORMANT,
  'not-conformant': EXIT_NOT_CONFORMANT,
  incomplete: EXIT_INCOMPLETE,
};

/** The exit codes of a run that got to its outcome (0, 1, 3); anything else is usage, environment or an interruption. */
export const completedRunExitCodes: readonly number[] = Object.values(exitCodeOf);

/**
 * A row with no verdict on the cluster: in error, without a check yet,
 * interrupted, or skipped for any reason but not applying here.
 */
function notObserved(result: JsonResult): boolean {
  if (result.status === 'error' || result.status === 'not-implemented') return true;
  if (result.status !== 'skipped') return false;
  return result.interruption !== undefined || result.applicability !== 'not-applicable';
}

/** The MUST rows the run could not observe, worked out here from their status. */
export function notObservedMustIds(report: JsonReport): string[] {
  return report.results.filter((r) => r.level === 'must' && notObserved(r)).map((r) => r.id);
}

/**
 * The outcome a run's rows call for, worked out here rather than by the
 * suite's outcomeOf, so a wrong outcomeOf shows: a MUST row failed ->
 * not-conformant; else a MUST row not observed -> incomplete; else conformant.
 * SHOULD and MAY rows never change it.
 */
export function expectedOutcome(report: JsonReport): Outcome {
  const must = report.results.filter((r) => r.level === 'must');
  if (must.some((r) => r.status === 'failed')) return 'not-conformant';
  return notObservedMustIds(report).length > 0 ? 'incomplete' : 'conformant';
}

export function expectedExitCode(report: JsonReport): number {
  return exitCodeOf[expectedOutcome(report)];
}

/**
 * The CLI's exit code is the one the run's own rows call for, and the JSON's
 * `outcome`, `exitCode` and list of not observed MUST rows say the same.
 */
export function expectOutcomeExit(run: CliResult, report: JsonReport): void {
  const outcome = expectedOutcome(report);
  const why = `${describeResult(run)}\n--- not observed MUST rows ---\n${notObservedMustIds(report).join(', ')}`;
  expect(report.outcome, why).to.equal(outcome);
  expect(run.exitCode, why).to.equal(exitCodeOf[outcome]);
  expect(report.exitCode, why).to.equal(run.exitCode);
  expect(report.notObservedMustRows.map((r) => r.id)).to.have.members(notObservedMustIds(report));
}

/**
 * The JSON of a run that got to its outcome (exit 0, 1 or 3); throws with
 * what the CLI said if it exited otherwise (usage, environment, interrupted).
 * Whether it is the right one of the three is expectOutcomeExit's to say.
 */
export function readCompletedReport(run: CliResult, jsonFile: string): JsonReport {
  if (run.exitCode === null || !completedRunExitCodes.includes(run.exitCode))
    throw new Error(`the run did not complete: ${describeResult(run)}`);
  return readJsonReport(jsonFile);
}
