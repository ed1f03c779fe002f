/**
 * Whether the API server serves a resource (a built-in or a CRD), asked through
 * discovery. A missing group or resource is an answer, not an error: checks
 * turn it into a verdict with a reason.
 */
import { ApiException, type KubeConfig } from '@kubernetes/client-node';
import { resourcesOf, servedGroupVersions, type ServedGroupVersion } from './discovery.js';

export interface ServedResource {
  served: boolean;
  /** The group versions of the group that the server serves ("" when none). */
  groupVersions: string[];
  /** The group version that serves the resource, when served. */
  groupVersion?: string;
}

/** The served group versions of `group`, preferring GA, then beta, then alpha. */
export function versionsOfGroup(served: readonly ServedGroupVersion[], group: string): string[] {
  const rank = (version: string) => (/^v\d+$/.test(version) ? 0 : /beta/.test(version) ? 1 : 2);
  return served
    .filter((gv) => gv.group === group)
    .sort((a, b) => rank(a.version) - rank(b.version))
    .map((gv) => gv.groupVersion);
}

/** Is `resource` (plural, e.g. "network-attachment-definitions") served in `group`? */
export async function servedResource(
  kc: KubeConfig,
  group: string,
  resource: string,
): Promise<ServedResource> {
  const groupVersions = versionsOfGroup(await servedGroupVersions(kc), group);
  for (const groupVersion of groupVersions) {
    try {
      if ((await resourcesOf(kc, groupVersion)).includes(resource))
        return { served: true, groupVersions, groupVersion };
    } catch (err) {
      // A group version can vanish between the two discovery calls (CRD deleted).
      if (err instanceof ApiException && (err as ApiException<unknown>).code === 404) continue;
      throw err;
    }
  }
  return { served: false, groupVersions };
}

/** "network-attachment-definitions.k8s.cni.cncf.io" for messages. */
export function resourceName(group: string, resource: string): string {
  return group ? `${resource}.${group}` : resource;
}
