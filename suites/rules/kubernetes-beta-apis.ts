/**
 * ra2.k8s.019 "Beta APIs must be supported only when a stable GA of the same
 * version doesn't exist": a resource the API server serves itself at a beta
 * version of a group (not the core group) must not also be served at a GA
 * version of that group. Group versions of CRDs and aggregated servers come in
 * as `notJudged` (suites/rules/api-versions.ts splitByOrigin) and stay evidence;
 * a resource renamed between versions is not matched.
 */
import { betaVersion, gaVersion, type ServedGroupVersion } from '../../helpers/k8s/discovery.js';
import { fail, pass, type Verdict } from '../../helpers/framework/result.js';
import type { OriginSplit } from './api-versions.js';

/** Top-level resource names served at a group version (discovery, read once each). */
export type ResourceLister = (groupVersion: string) => Promise<string[]>;

/** "cronjobs served at batch/v1beta1 and at GA batch/v1" for each such resource. */
export async function betaResourcesServedAtGa(
  builtIn: readonly ServedGroupVersion[],
  resourcesOf: ResourceLister,
): Promise<string[]> {
  const resources = new Map<string, string[]>();
  const listed = async (groupVersion: string) => {
    if (!resources.has(groupVersion)) resources.set(groupVersion, await resourcesOf(groupVersion));
    return resources.get(groupVersion) as string[];
  };
  const violations: string[] = [];
  for (const beta of builtIn.filter((gv) => gv.group !== '' && betaVersion.test(gv.version))) {
    const gaOfGroup = builtIn.filter((gv) => gv.group === beta.group && gaVersion.test(gv.version));
    for (const resource of await listed(beta.groupVersion)) {
      for (const ga of gaOfGroup) {
        if ((await listed(ga.groupVersion)).includes(resource))
          violations.push(
            `${resource} served at ${beta.groupVersion} and at GA ${ga.groupVersion}`,
          );
      }
    }
  }
  return violations;
}

/** The verdict on the built-in group versions; the others are listed, never judged. */
export async function judgeBetaApis(
  { builtIn, notJudged }: OriginSplit,
  resourcesOf: ResourceLister,
): Promise<Verdict> {
  const violations = await betaResourcesServedAtGa(builtIn, resourcesOf);
  const betas = builtIn.filter((gv) => betaVersion.test(gv.version)).map((gv) => gv.groupVersion);
  const evidence = { betaGroupVersions: betas, violations, notJudged };
  return violations.length === 0
    ? pass(
        `no beta resource is also served at a GA version (${betas.length} beta group versions examined)`,
        evidence,
      )
    : fail(
        'a beta resource only where no GA version of it is served',
        violations.join('; '),
        evidence,
      );
}
