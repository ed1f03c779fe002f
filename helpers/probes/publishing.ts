/**
 * Publishing: the Ingress template and IngressClass choice, and the wait,
 * with a deadline, for the address a LoadBalancer implementation or an
 * ingress controller publishes (the objects are created through the namespace
 * handle). A wait that times out returns what was last seen rather than
 * throwing, so the suite can show the object's status as evidence.
 */
import {
  NetworkingV1Api,
  type V1Ingress,
  type V1IngressClass,
  type V1LoadBalancerIngress,
  type V1Service,
} from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import type { NamespaceHandle } from '../k8s/namespace-handle.js';
import { attemptUntil } from './netexec.js';

export const defaultIngressClassAnnotation = 'ingressclass.kubernetes.io/is-default-class';

export interface AddressWait<T> {
  /** The first published address: an IP or a hostname. */
  address?: string;
  ingress: V1LoadBalancerIngress[];
  /** The object as last read. */
  last: T;
  waitedMs: number;
}

export function addressOf(ingress: readonly V1LoadBalancerIngress[]): string | undefined {
  for (const entry of ingress) {
    if (entry.ip) return entry.ip;
    if (entry.hostname) return entry.hostname;
  }
  return undefined;
}

/** What is polled for an address: how to read the object and where its status lists addresses. */
interface Published<T> {
  description: string;
  read: () => Promise<T>;
  ingressOf: (object: T) => V1LoadBalancerIngress[];
}

/**
 * Reads the object until its status carries an address or the load-balancer
 * deadline passes; a read that fails is retried (attemptUntil).
 */
async function waitForAddress<T>(
  ctx: CheckContext,
  { description, read, ingressOf }: Published<T>,
): Promise<AddressWait<T>> {
  const published = (object: T) => addressOf(ingressOf(object)) !== undefined;
  // Addresses come slowly (a controller, then a cloud API): poll at half the usual rate.
  const interval = ctx.timeouts.pollInterval * 2;
  const waited = await attemptUntil(
    ctx,
    description,
    read,
    published,
    ctx.timeouts.loadBalancer,
    interval,
  );
  const ingress = ingressOf(waited.last);
  return { address: addressOf(ingress), ingress, last: waited.last, waitedMs: waited.elapsedMs };
}

/** The address a LoadBalancer implementation publishes for the Service `name`. */
export function waitForLoadBalancerAddress(ctx: CheckContext, ns: NamespaceHandle, name: string) {
  return waitForAddress<V1Service>(ctx, {
    description: `service ${ns.name}/${name} to get a load-balancer address`,
    read: () => ctx.cluster.core.readNamespacedService({ name, namespace: ns.name }),
    ingressOf: (s) => s.status?.loadBalancer?.ingress ?? [],
  });
}

/** The address the ingress controller publishes for the Ingress `name`. */
export function waitForIngressAddress(ctx: CheckContext, ns: NamespaceHandle, name: string) {
  const api = ctx.cluster.kc.makeApiClient(NetworkingV1Api);
  return waitForAddress<V1Ingress>(ctx, {
    description: `ingress ${ns.name}/${name} to get an address`,
    read: () => api.readNamespacedIngress({ name, namespace: ns.name }),
    ingressOf: (i) => i.status?.loadBalancer?.ingress ?? [],
  });
}

export async function ingressClasses(ctx: CheckContext): Promise<V1IngressClass[]> {
  return (await ctx.cluster.kc.makeApiClient(NetworkingV1Api).listIngressClass()).items;
}

/** The default IngressClass if one is marked so, else the only or first one, else undefined. */
export function chooseIngressClass(classes: readonly V1IngressClass[]): V1IngressClass | undefined {
  return (
    classes.find((c) => c.metadata?.annotations?.[defaultIngressClassAnnotation] === 'true') ??
    classes[0]
  );
}

/** An Ingress of `className` routing `host` + `path` (prefix) to a Service port. */
export function hostPathIngress(
  name: string,
  className: string,
  rule: { host: string; path: string; service: string; port: number },
): V1Ingress {
  const backend = { service: { name: rule.service, port: { number: rule.port } } };
  const paths = [{ path: rule.path, pathType: 'Prefix', backend }];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name },
    spec: { ingressClassName: className, rules: [{ host: rule.host, http: { paths } }] },
  };
}
