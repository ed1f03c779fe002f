/**
 * Labels and names that tie every created object to its run, so a run cleans
 * up after itself and a later run (or `sonobuoy delete --all`, which knows the
 * e2e-framework / e2e-run labels) can find leftovers.
 */
import { randomBytes } from 'node:crypto';
import type { PodSecurityLevel } from './registry.js';

export const MANAGED_BY = 'ra2-conformance';
export const managedByLabel = 'app.kubernetes.io/managed-by';
export const runLabel = 'ra2.anuket.io/run';
export const checkLabel = 'ra2.anuket.io/check';
/** What an object is for in its run; the control namespace carries `run-control`. */
export const componentLabel = 'app.kubernetes.io/component';
export const RUN_CONTROL_ROLE = 'run-control';
/** Wall-clock time after which the object is surely no longer used by its run. */
export const expiresAtAnnotation = 'ra2.anuket.io/expires-at';

export function newRunId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `${stamp}-${randomSuffix(4)}`;
}

export function randomSuffix(length: number): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return Array.from(randomBytes(length), (b) => alphabet[b % alphabet.length]).join('');
}

export function runLabels(runId: string, checkId: string): Record<string, string> {
  return {
    [managedByLabel]: MANAGED_BY,
    [runLabel]: runId,
    [checkLabel]: checkId,
    'e2e-framework': checkId,
    'e2e-run': runId,
  };
}

/** Labels of a run's own control namespace and heartbeat lease (see liveness.ts). */
export function runControlLabels(runId: string): Record<string, string> {
  return {
    [managedByLabel]: MANAGED_BY,
    [runLabel]: runId,
    [componentLabel]: RUN_CONTROL_ROLE,
    'e2e-framework': RUN_CONTROL_ROLE,
    'e2e-run': runId,
  };
}

/** "ra2.k8s.012b" -> "ra2-k8s-012b-x7f2k": within 63 characters, DNS-1123. */
export function namespaceName(checkId: string): string {
  const short = checkId.replace(/^ra2\./, '').replace(/[^a-z0-9]+/g, '-');
  return `ra2-${short}-${randomSuffix(5)}`;
}

export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return {
    'pod-security.kubernetes.io/enforce': level,
    'pod-security.kubernetes.io/warn': level,
    'pod-security.kubernetes.io/audit': level,
  };
}
