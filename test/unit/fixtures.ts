/** Small builders for results and reports, shared by the unit tests. */
import type { V1StorageClass } from '@kubernetes/client-node';
import { loadCatalog } from '../../catalog/index.js';
import type { CatalogRow } from '../../catalog/types.js';
import {
  type RunReport,
  type CheckResult,
  type CheckStatus,
  buildRunReport,
} from '../../helpers/framework/result.js';

export const catalog = loadCatalog();

export function row(id: string): CatalogRow {
  const found = catalog.rows.find((r) => r.id === id);
  if (!found) throw new Error(`no row ${id}`);
  return found;
}

export function result(
  id: string,
  status: CheckStatus,
  extra: Partial<CheckResult> = {},
): CheckResult {
  return {
    row: row(id),
    sectionTitle: '4.3 Kubernetes',
    kind: 'inspect',
    status,
    message: `${status} message`,
    log: [],
    durationMs: 1500,
    startedAt: '2026-01-01T00:00:00.000Z',
    ...extra,
  };
}

export function report(results: CheckResult[]): RunReport {
  return buildRunReport(
    {
      runId: 'run-1',
      release: catalog.release,
      releaseTitle: catalog.title,
      profile: 'basic',
      profileSource: 'given',
      startedAt: '2026-01-01T00:00:00.000Z',
      total: results.length,
    },
    results,
    '2026-01-01T00:01:00.000Z',
  );
}

/** Streams for the CLI's run(): what it writes to stdout and stderr, kept line by write. */
export function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    streams: {
      stdout: { write: (t: string) => out.push(t) },
      stderr: { write: (t: string) => err.push(t) },
    },
    out,
    err,
  };
}

/** A StorageClass, marked the cluster default when `isDefault`. */
export const storageClass = (
  name: string,
  provisioner: string,
  isDefault = false,
): V1StorageClass => ({
  metadata: {
    name,
    ...(isDefault
      ? { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }
      : {}),
  },
  provisioner,
});

/**
 * What a connect batch's exec prints (netexec.ts, observeConnects) when each
 * target answers as `answer` says: one "ra2-connect" line per target.
 */
export function connectBatchAnswer(
  command: readonly string[],
  answer: (target: string) => { exitCode: number; stderr: string },
): { exitCode: number; stdout: string; stderr: string } {
  const targets = command.slice(command.indexOf('ra2-connect') + 1);
  const stdout = targets
    .map((target, i) => {
      const { exitCode, stderr } = answer(target);
      return `ra2-connect ${i} ${exitCode} ${stderr.trim()}\n`;
    })
    .join('');
  return { exitCode: 0, stdout, stderr: '' };
}
