/**
 * Which Kubernetes minor releases the upstream project still supports, and
 * the version skew it allows between the API server and kubelets.
 *
 * Source: the "End of Life" dates on https://kubernetes.io/releases/ (the
 * Kubernetes release team's patch-release schedule), transcribed 2026. A minor
 * is supported until its end-of-life date, inclusive. Refresh this table with
 * every upstream minor release; a minor newer than the table is reported as
 * such rather than guessed at.
 */
export const supportedMinors: readonly { minor: string; endOfLife: string }[] = [
  { minor: '1.32', endOfLife: '2026-02-28' },
  { minor: '1.33', endOfLife: '2026-06-28' },
  { minor: '1.34', endOfLife: '2026-10-27' },
  { minor: '1.35', endOfLife: '2027-02-28' },
  { minor: '1.36', endOfLife: '2027-06-28' },
  // Released August 2026; fourteen months of support (yearly support KEP), ending like 1.34 and 1.31
  // at the end of October: the newest minor the ha test bed runs (testbed/versions.env).
  { minor: '1.37', endOfLife: '2027-10-28' },
];

/** Since Kubernetes 1.28 a kubelet may be up to three minors older than the API server, never newer. */
export const maxKubeletSkew = 3;

export interface ParsedVersion {
  major: number;
  minor: number;
  patch: number;
  /** "alpha.1", "rc.0"; "" for a release. */
  preRelease: string;
}

/** "v1.35.4", "v1.35.4+k3s1", "v1.36.0-rc.1" -> parts; throws on anything else. */
export function parseKubernetesVersion(version: string): ParsedVersion {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(
    version.trim(),
  );
  if (!m) throw new Error(`not a Kubernetes version: "${version}"`);
  return {
    major: Number(m[1]),
    minor: Number(m[2]),
    patch: Number(m[3]),
    preRelease: m[4] ?? '',
  };
}

/** "unknown": a minor newer than the table, which cannot be judged until the table is refreshed. */
export type SupportDecision =
  | { status: 'supported'; minor: string; endOfLife: string; daysLeft: number }
  | { status: 'unsupported'; minor: string; reason: string; endOfLife?: string }
  | { status: 'unknown'; minor: string; reason: string };

/** Whether `version` is an upstream-supported release on `today` (UTC dates). */
export function supportStatus(version: string, today: Date): SupportDecision {
  const v = parseKubernetesVersion(version);
  const minor = `${v.major}.${v.minor}`;
  if (v.preRelease) {
    return {
      status: 'unsupported',
      minor,
      reason: `${version} is a pre-release (${v.preRelease})`,
    };
  }
  const entry = supportedMinors.find((e) => e.minor === minor);
  if (!entry) {
    const newest = supportedMinors[supportedMinors.length - 1]!;
    const newer =
      v.major > 1 || (v.major === 1 && v.minor > parseKubernetesVersion(`${newest.minor}.0`).minor);
    return newer
      ? {
          status: 'unknown',
          minor,
          reason: `${minor} is newer than the support table (newest ${newest.minor}); update suites/rules/kubernetes-releases.ts`,
        }
      : {
          status: 'unsupported',
          minor,
          reason: `${minor} is out of upstream support (the oldest minor the table lists is ${supportedMinors[0]!.minor})`,
        };
  }
  const eol = Date.parse(`${entry.endOfLife}T23:59:59Z`);
  const daysLeft = Math.floor((eol - today.getTime()) / 86_400_000);
  if (today.getTime() > eol) {
    return {
      status: 'unsupported',
      minor,
      endOfLife: entry.endOfLife,
      reason: `${minor} reached end of life on ${entry.endOfLife}`,
    };
  }
  return { status: 'supported', minor, endOfLife: entry.endOfLife, daysLeft };
}

/** A kubelet's skew against the API server: ok when 0..maxKubeletSkew minors older. */
export function kubeletSkew(
  apiServer: string,
  kubelet: string,
): { ok: boolean; minorsBehind: number } {
  const a = parseKubernetesVersion(apiServer);
  const k = parseKubernetesVersion(kubelet);
  if (a.major !== k.major) return { ok: false, minorsBehind: NaN };
  const minorsBehind = a.minor - k.minor;
  return { ok: minorsBehind >= 0 && minorsBehind <= maxKubeletSkew, minorsBehind };
}
