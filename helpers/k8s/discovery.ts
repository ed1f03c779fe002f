/**
 * API discovery: which group versions the server serves and which resources
 * each serves. Observes only.
 */
import {
  ApisApi,
  HttpMethod,
  CoreApi,
  KubernetesObjectApi,
  type KubeConfig,
  type V1APIResourceList,
} from '@kubernetes/client-node';

export interface ServedGroupVersion {
  /** "" for the core group */
  group: string;
  version: string;
  /** "apps/v1", or "v1" for core */
  groupVersion: string;
}

/** KubernetesObjectApi can already GET /apis/<gv>; we only widen access to it. */
class ResourceLister extends KubernetesObjectApi {
  async resourcesOf(groupVersion: string): Promise<V1APIResourceList> {
    const context = this.configuration.baseServer.makeRequestContext(
      this.apiVersionPath(groupVersion),
      HttpMethod.GET,
    );
    context.setHeaderParam('Accept', 'application/json');
    return this.requestPromise(
      context,
      'V1APIResourceList',
    ) as unknown as Promise<V1APIResourceList>;
  }
}

export async function servedGroupVersions(kc: KubeConfig): Promise<ServedGroupVersion[]> {
  const core = await kc.makeApiClient(CoreApi).getAPIVersions();
  const groups = await kc.makeApiClient(ApisApi).getAPIVersions();
  const served: ServedGroupVersion[] = core.versions.map((version) => ({
    group: '',
    version,
    groupVersion: version,
  }));
  for (const group of groups.groups) {
    for (const v of group.versions)
      served.push({ group: group.name, version: v.version, groupVersion: v.groupVersion });
  }
  return served;
}

/** Top-level resource names (no subresources) served at a group version. */
export async function resourcesOf(kc: KubeConfig, groupVersion: string): Promise<string[]> {
  const list = await kc.makeApiClient(ResourceLister).resourcesOf(groupVersion);
  return list.resources.map((r) => r.name).filter((name) => !name.includes('/'));
}

export const alphaVersion = /^v\d+alpha\d+$/;
export const betaVersion = /^v\d+beta\d+$/;
export const gaVersion = /^v\d+$/;
