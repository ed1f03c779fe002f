/** Service jig: create a Service from a template plus a tweak; wait for endpoints. */
import { type V1Service, type V1EndpointSlice, DiscoveryV1Api } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { waitFor } from '../k8s/wait.js';
import type { Tweak } from './pod.js';

export function clusterIpService(
  ctx: CheckContext,
  name: string,
  selector: Record<string, string>,
  port: number,
): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, labels: ctx.labels },
    spec: {
      type: 'ClusterIP',
      selector,
      ports: [{ name: 'http', port, targetPort: port, protocol: 'TCP' }],
    },
  };
}

export async function createService(
  ctx: CheckContext,
  namespace: string,
  service: V1Service,
  tweak?: Tweak<V1Service>,
): Promise<V1Service> {
  tweak?.(service);
  const created = await ctx.cluster.core.createNamespacedService({ namespace, body: service });
  ctx.log(
    `Created service ${namespace}/${created.metadata?.name ?? ''} with clusterIPs ${(created.spec?.clusterIPs ?? []).join(', ')}`,
  );
  return created;
}

/** Waits until the service's EndpointSlices list at least one ready endpoint per IP family it has. */
export async function waitForReadyEndpoints(
  ctx: CheckContext,
  namespace: string,
  service: string,
  families: number,
): Promise<V1EndpointSlice[]> {
  const discovery = ctx.cluster.kc.makeApiClient(DiscoveryV1Api);
  return waitFor(
    `ready endpoints of service ${namespace}/${service} in ${families} address famil${families === 1 ? 'y' : 'ies'}`,
    async () =>
      (
        await discovery.listNamespacedEndpointSlice({
          namespace,
          labelSelector: `kubernetes.io/service-name=${service}`,
        })
      ).items,
    (slices) =>
      new Set(
        slices
          .filter((s) => (s.endpoints ?? []).some((e) => e.conditions?.ready))
          .map((s) => s.addressType),
      ).size >= families,
    {
      timeoutMs: ctx.timeouts.serviceEndpoints,
      intervalMs: ctx.timeouts.pollInterval,
      log: (line) => ctx.log(line),
      signal: ctx.signal,
    },
  );
}
