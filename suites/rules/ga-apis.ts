/**
 * ra2.k8s.013 "Backward compatibility of all supported GA APIs": the GA group
 * versions the upstream kube-apiserver serves by default, per minor release
 * (read from each release's pkg/controlplane/instance.go stable lists, plus
 * apiextensions.k8s.io/v1 and apiregistration.k8s.io/v1 that its CRD and
 * aggregation servers add). A cluster that claims a minor and does not serve
 * one of them has dropped a GA API.
 */

/** GA group versions every supported Kubernetes release serves. */
export const requiredGaGroupVersions = [
  'v1',
  'admissionregistration.k8s.io/v1',
  'apiextensions.k8s.io/v1',
  'apps/v1',
  'authentication.k8s.io/v1',
  'authorization.k8s.io/v1',
  'autoscaling/v1',
  'autoscaling/v2',
  'batch/v1',
  'certificates.k8s.io/v1',
  'coordination.k8s.io/v1',
  'discovery.k8s.io/v1',
  'events.k8s.io/v1',
  'flowcontrol.apiserver.k8s.io/v1',
  'networking.k8s.io/v1',
  'node.k8s.io/v1',
  'policy/v1',
  'rbac.authorization.k8s.io/v1',
  'scheduling.k8s.io/v1',
  'storage.k8s.io/v1',
];

/** Built-in GA group versions 1.35 serves by default: the common ones, the aggregator's, and DRA's. */
const ga135 = [...requiredGaGroupVersions, 'apiregistration.k8s.io/v1', 'resource.k8s.io/v1'];

/** minor -> GA group versions served by default upstream. */
export const upstreamGaByMinor: ReadonlyMap<number, readonly string[]> = new Map([
  [35, ga135],
  [36, ga135],
  // 1.37: StorageVersionMigration GA.
  [37, [...ga135, 'storagemigration.k8s.io/v1']],
]);

export interface GaTableJudgement {
  /** The minor whose table was used, or undefined when the common fallback was. */
  tableMinor?: number;
  expected: readonly string[];
  missing: string[];
  note?: string;
}

/**
 * Compares the served group versions with the table of the cluster's minor.
 * A newer minor than the table knows is held to the newest table (GA APIs
 * are not removed); an older one to `fallback` (what every supported release serves).
 */
export function compareWithUpstream(
  minor: number,
  served: ReadonlySet<string>,
  fallback: readonly string[],
): GaTableJudgement {
  const known = [...upstreamGaByMinor.keys()].sort((a, b) => a - b);
  const newest = known[known.length - 1]!;
  let tableMinor: number | undefined;
  let note: string | undefined;
  if (upstreamGaByMinor.has(minor)) tableMinor = minor;
  else if (minor > newest) {
    tableMinor = newest;
    note = `no table for 1.${minor}: held to 1.${newest}'s GA APIs`;
  } else note = `no table for 1.${minor}: held to the GA APIs every supported release serves`;
  const expected = tableMinor !== undefined ? upstreamGaByMinor.get(tableMinor)! : fallback;
  return { tableMinor, expected, missing: expected.filter((gv) => !served.has(gv)), note };
}

/** "1.35" / "v1.35.4+k3s1" -> 35; NaN when unreadable. */
export function minorOf(gitVersion: string): number {
  const match = /^v?1\.(\d+)/.exec(gitVersion);
  return match ? Number(match[1]) : NaN;
}
