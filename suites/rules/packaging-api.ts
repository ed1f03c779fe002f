/**
 * ra2.pkg.001: a package manager must use the Kubernetes APIs to manage
 * application artifacts; cluster-side components such as Tiller are not
 * supported. A Tiller pod (Helm v2's in-cluster server) breaks the row. Its
 * absence is only half of it: that a package manager uses the API is shown by
 * the traces one leaves (Helm v3 stores each release as a Secret labelled
 * owner=helm); with none the row is not observed, and an attestation of the
 * package manager in use may stand in.
 */
import type { V1Secret } from '@kubernetes/client-node';
import { fail, pass, skip, type Verdict } from '../../helpers/framework/result.js';
import { formatComponentPod, type ComponentPod } from '../../helpers/k8s/components.js';

/** Matches a pod's name, owner, app labels or image as Helm v2's Tiller. */
export const tillerPattern = /tiller/i;

/** The label selector of Helm v3's release Secrets. */
export const helmReleaseSelector = 'owner=helm';

/** "namespace/release" of each Helm v3 release Secret (one per revision; a release is named once). */
export function helmReleases(secrets: readonly V1Secret[]): string[] {
  return [
    ...new Set(
      secrets.map(
        (s) =>
          `${s.metadata?.namespace ?? ''}/${s.metadata?.labels?.name ?? s.metadata?.name ?? ''}`,
      ),
    ),
  ];
}

export function judgePackageManagement(
  tillerPods: readonly ComponentPod[],
  releaseSecrets: readonly V1Secret[],
): Verdict {
  const releases = helmReleases(releaseSecrets);
  const evidence = { tillerPods: tillerPods.map(formatComponentPod), helmV3Releases: releases };
  if (tillerPods.length > 0)
    return fail(
      'no cluster-side package manager component such as Tiller',
      `Tiller pods: ${tillerPods.map(formatComponentPod).join('; ')}`,
      evidence,
    );
  if (releases.length === 0)
    return skip(
      'no Tiller runs, but no package manager left a trace of managing applications through the Kubernetes API (no Helm v3 release Secrets): attest which package manager is used',
      evidence,
    );
  return pass(
    `no cluster-side package manager component (Tiller) runs; ${releases.length} Helm v3 release(s) stored through the API`,
    evidence,
  );
}
