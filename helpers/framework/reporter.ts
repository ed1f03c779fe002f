/**
 * The reporter interface. The runner calls every reporter in order at each
 * step; a reporter that throws is logged and ignored, never fatal to the run.
 * A Sonobuoy progress reporter plugs in here (POST after each onCheckEnd).
 */
import type { Profile } from '../../catalog/types.js';
import type { Counts } from './outcome.js';
import type { CheckResult } from './results.js';
import type { CatalogRow } from '../../catalog/types.js';

export interface RunInfo {
  runId: string;
  release: string;
  releaseTitle: string;
  profile: Profile;
  /** How the profile was chosen: "given" or "auto: <reason>". */
  profileSource: string;
  server?: string;
  context?: string;
  kubernetesVersion?: string;
  startedAt: string;
  /** Number of results the run will produce. */
  total: number;
}

export interface RunReport {
  info: RunInfo;
  results: CheckResult[];
  counts: Counts;
  finishedAt: string;
  exitCode: number;
  /** Set when the run was cut short (SIGINT/SIGTERM). */
  interrupted?: string;
}

export interface Reporter {
  readonly name: string;
  onRunStart?(info: RunInfo): void | Promise<void>;
  onCheckStart?(row: CatalogRow, index: number, total: number): void | Promise<void>;
  onCheckEnd?(result: CheckResult, index: number, total: number): void | Promise<void>;
  onRunEnd?(report: RunReport): void | Promise<void>;
}
