/**
 * `ra2 results TARBALL`: the results JSON the Sonobuoy plugin wrote, read out
 * of a retrieved tarball (`sonobuoy retrieve`), printed as `ra2 run` prints
 * the end of a run (its first line, the summary, the outcome), with the
 * outcome's exit code: 0 conformant, 1 not conformant, 3 incomplete. A
 * tarball that cannot be read, or holds no ra2 results, is an environment
 * error (exit 2, one line).
 */
import { readFileSync } from 'node:fs';
import type { CatalogRow, SectionKey } from '../../catalog/types.js';
import {
  buildRunReport,
  exitCodeForOutcome,
  type CheckResult,
  type Interruption,
  type Outcome,
  type RunInfo,
  type RunReport,
} from '../../helpers/framework/result.js';
import { EnvironmentError, oneLine } from '../../helpers/k8s/errors.js';
import { ConsoleReporter } from '../../helpers/reporters/console.js';
import { JSON_FILE, RESULTS_SUBDIR } from '../sonobuoy/results-dir.js';
import type { Streams } from './run-command.js';
import { readTarGz, type TarEntry } from './tar-reader.js';

/** Where the aggregator puts a Job plugin's results: plugins/<plugin>/results/global/... */
const RESULTS_JSON = new RegExp(`^plugins/([^/]+)/results/[^/]+/(?:.*/)?${JSON_FILE}$`);
const OUTCOMES: readonly Outcome[] = ['conformant', 'not-conformant', 'incomplete'];
/** The JSON's top-level fields that are not the run's facts (RunInfo): the report derives them. */
const DERIVED = new Set([
  'results',
  'sections',
  'counts',
  'findings',
  'outcome',
  'exitCode',
  'notObservedMustRows',
  'finishedAt',
  'interrupted',
  'interruption',
]);

/** The plugin's results JSON in the tarball: the `ra2` plugin's, else any plugin's. */
export function findResultsJson(
  entries: readonly TarEntry[],
  plugin = RESULTS_SUBDIR,
): TarEntry | undefined {
  const candidates = entries
    .filter((entry) => entry.type === 'file')
    .map((entry) => ({ entry, match: RESULTS_JSON.exec(entry.name.replace(/^(\.\/)+/, '')) }))
    .filter(({ match }) => match);
  return (candidates.find(({ match }) => match?.[1] === plugin) ?? candidates[0])?.entry;
}

type JsonResult = Omit<CheckResult, 'row' | 'sectionTitle' | 'log'> &
  Omit<CatalogRow, 'section' | 'text'> & { section: string; log?: string[] };

interface ResultsJson extends RunInfo {
  finishedAt: string;
  outcome: Outcome;
  interruption?: Interruption;
  sections?: { section: SectionKey; title: string }[];
  results: JsonResult[];
}

/** One result of the JSON back into the model the console reporter renders. */
function checkResultOf(r: JsonResult, sectionKeys: Map<string, SectionKey>): CheckResult {
  const row: CatalogRow = {
    id: r.id,
    specId: r.specId ?? r.id,
    section: sectionKeys.get(r.section) ?? (r.section as SectionKey),
    title: r.title,
    text: '',
    level: r.level,
    profile: r.profile ?? null,
    condition: r.condition ?? null,
    requirementTrace: r.requirementTrace ?? null,
    referenceImplementationTrace: r.referenceImplementationTrace ?? null,
    ...(r.note ? { note: r.note } : {}),
  };
  return {
    row,
    sectionTitle: r.section,
    kind: r.kind,
    ...(r.observes ? { observes: r.observes } : {}),
    status: r.status,
    message: r.message,
    expected: r.expected,
    observed: r.observed,
    evidence: r.evidence,
    log: r.log ?? [],
    durationMs: r.durationMs,
    startedAt: r.startedAt,
    ...(r.interruption ? { interruption: r.interruption } : {}),
    ...(r.applicability ? { applicability: r.applicability } : {}),
    ...(r.attestation ? { attestation: r.attestation } : {}),
  };
}

/** The run report the plugin wrote; its outcome is the plugin's, as the JSON says it. */
export function reportFromResultsJson(text: string, where: string): RunReport {
  let json: ResultsJson;
  try {
    json = JSON.parse(text) as ResultsJson;
  } catch (err) {
    throw new EnvironmentError(`${where} is not JSON: ${oneLine(err)}`);
  }
  if (!Array.isArray(json?.results) || !OUTCOMES.includes(json.outcome))
    throw new EnvironmentError(`${where} is not ra2 results (no results list or outcome)`);
  const sectionKeys = new Map((json.sections ?? []).map((s) => [s.title, s.section]));
  const results = json.results.map((r) => checkResultOf(r, sectionKeys));
  const facts = Object.fromEntries(Object.entries(json).filter(([key]) => !DERIVED.has(key)));
  const info = { ...facts, total: results.length } as RunInfo;
  const report = buildRunReport(info, results, json.finishedAt, json.interruption);
  return { ...report, outcome: json.outcome, exitCode: exitCodeForOutcome(json.outcome) };
}

/** Reads the tarball; every way it can fail is one EnvironmentError naming the file. */
export function reportFromTarball(file: string): { report: RunReport; entry: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new EnvironmentError(`cannot read ${file}: ${oneLine(err)}`);
  }
  let entries: TarEntry[];
  try {
    entries = readTarGz(bytes);
  } catch (err) {
    throw new EnvironmentError(`${file}: ${oneLine(err)}`);
  }
  const found = findResultsJson(entries);
  if (!found)
    throw new EnvironmentError(
      `${file} holds no ra2 results (no plugins/<plugin>/results/.../${JSON_FILE}): is it a tarball of \`sonobuoy retrieve\` after a run of the ra2 plugin?`,
    );
  return {
    report: reportFromResultsJson(found.data.toString('utf8'), `${file}:${found.name}`),
    entry: found.name,
  };
}

/** Prints the run as `ra2 run` ends it; returns the outcome's exit code. */
export function showResults(file: string, streams: Streams): number {
  const { report, entry } = reportFromTarball(file);
  streams.stdout.write(`Results of the Sonobuoy plugin in ${file} (${entry})\n`);
  const console = new ConsoleReporter(streams.stdout);
  console.onRunStart(report.info);
  console.onRunEnd(report);
  return report.exitCode;
}
