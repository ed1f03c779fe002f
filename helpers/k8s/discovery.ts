/**
 * API discovery: which group versions the server serves and which resources
 * each serves. Observes only.
 */
import {
  ApiregistrationV1Api,
  ApisApi,
  HttpMethod,
  CoreApi,
  KubernetesObjectApi,
  type KubeConfig,
  type V1APIResourceList,
  type V1APIService,
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

/**
 * Who serves a group version, as its APIService says: the API server's own
 * built-in groups (registered at start, label automanaged=onstart), a
 * CustomResourceDefinition (automanaged=true), or an aggregated API server
 * (spec.service set). Discovery alone cannot tell them apart: NFD serves
 * nfd.k8s-sigs.io/v1alpha1 from a CRD, which is not a Kubernetes alpha API.
 */
export type ApiOrigin = 'built-in' | 'custom-resource' | 'aggregated' | 'unknown';

const automanagedLabel = 'kube-aggregator.kubernetes.io/automanaged';

/**
 * The origin of each group version that has an APIService. The core "v1" and
 * the aggregator's own apiregistration.k8s.io have none: both are built in.
 */
export async function apiOrigins(kc: KubeConfig): Promise<Map<string, ApiOrigin>> {
  const list = await kc.makeApiClient(ApiregistrationV1Api).listAPIService();
  const origins = new Map<string, ApiOrigin>([
    ['v1', 'built-in'],
    ['apiregistration.k8s.io/v1', 'built-in'],
  ]);
  for (const service of list.items) {
    const group = service.spec?.group ?? '';
    const version = service.spec?.version ?? '';
    const groupVersion = group ? `${group}/${version}` : version;
    origins.set(groupVersion, originOf(service));
  }
  return origins;
}

export function originOf(service: V1APIService): ApiOrigin {
  if (service.spec?.service) return 'aggregated';
  const managed = service.metadata?.labels?.[automanagedLabel];
  if (managed === 'onstart') return 'built-in';
  if (managed === 'true') return 'custom-resource';
  return 'unknown';
}
