/** Services: a ClusterIP template for the namespace handle, and the wait for ready endpoints. */
import { type V1Service, type V1EndpointSlice, DiscoveryV1Api } from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { waitFor } from '../k8s/wait.js';

/** A ClusterIP Service of `port` (named http, TCP) in front of the pods `selector` selects. */
export function clusterIpService(
  ctx: CheckContext,
  name: string,
  selector: Record<string, string>,
  port: number,
): V1Service {
  const ports = [{ name: 'http', port, targetPort: port, protocol: 'TCP' }];
  const metadata = { name, labels: ctx.labels };
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata,
    spec: { type: 'ClusterIP', selector, ports },
  };
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
