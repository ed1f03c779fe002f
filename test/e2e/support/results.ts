/**
 * Reading what a run wrote: the JUnit file through a standard parser
 * (fast-xml-parser, with its validator first), and the JSON results file.
 */
import { readFileSync } from 'node:fs';
import { XMLParser, XMLValidator } from 'fast-xml-parser';

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
  blocking: boolean;
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
  exitCode: number;
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
