/**
 * Publishing jig: Services of type LoadBalancer and NodePort, and Ingresses.
 * It creates them from templates plus a tweak and waits, with a deadline, for
 * the address a LoadBalancer implementation or an ingress controller publishes.
 * Waits return what was last seen rather than throwing, so the suite can show
 * the object's status as evidence.
 */
import {
  NetworkingV1Api,
  type V1Ingress,
  type V1IngressClass,
  type V1LoadBalancerIngress,
  type V1Service,
} from '@kubernetes/client-node';
import type { CheckContext } from '../framework/context.js';
import { formatDuration } from '../k8s/duration.js';
import { sleep } from '../k8s/wait.js';
import type { Tweak } from './pod.js';

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

async function pollAddress<T>(
  ctx: CheckContext,
  description: string,
  read: () => Promise<T>,
  ingressOf: (object: T) => V1LoadBalancerIngress[],
  timeoutMs: number,
): Promise<AddressWait<T>> {
  ctx.log(`Waiting up to ${formatDuration(timeoutMs)} for ${description}`);
  const started = Date.now();
  for (;;) {
    ctx.signal.throwIfAborted();
    const last = await read();
    const ingress = ingressOf(last);
    const address = addressOf(ingress);
    if (address || Date.now() - started >= timeoutMs) {
      return { address, ingress, last, waitedMs: Date.now() - started };
    }
    await sleep(ctx.timeouts.pollInterval * 2, ctx.signal);
  }
}

export async function waitForLoadBalancerAddress(
  ctx: CheckContext,
  namespace: string,
  name: string,
): Promise<AddressWait<V1Service>> {
  return pollAddress(
    ctx,
    `service ${namespace}/${name} to get a load-balancer address`,
    () => ctx.cluster.core.readNamespacedService({ name, namespace }),
    (s) => s.status?.loadBalancer?.ingress ?? [],
    ctx.timeouts.loadBalancer,
  );
}

/** The default IngressClass if one is marked so, else the only or first one, else undefined. */
export function chooseIngressClass(classes: readonly V1IngressClass[]): V1IngressClass | undefined {
  return (
    classes.find((c) => c.metadata?.annotations?.[defaultIngressClassAnnotation] === 'true') ??
    classes[0]
  );
}

export function hostPathIngress(
  ctx: CheckContext,
  name: string,
  ingressClassName: string,
  host: string,
  path: string,
  service: string,
  port: number,
): V1Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, labels: ctx.labels },
    spec: {
      ingressClassName,
      rules: [
        {
          host,
          http: {
            paths: [
              {
                path,
                pathType: 'Prefix',
                backend: { service: { name: service, port: { number: port } } },
              },
            ],
          },
        },
      ],
    },
  };
}

export class IngressJig {
  private readonly api: NetworkingV1Api;

  constructor(
    private readonly ctx: CheckContext,
    readonly namespace: string,
  ) {
    this.api = ctx.cluster.kc.makeApiClient(NetworkingV1Api);
  }

  async classes(): Promise<V1IngressClass[]> {
    return (await this.api.listIngressClass()).items;
  }

  async create(ingress: V1Ingress, tweak?: Tweak<V1Ingress>): Promise<V1Ingress> {
    tweak?.(ingress);
    const created = await this.api.createNamespacedIngress({
      namespace: this.namespace,
      body: ingress,
    });
    this.ctx.log(`Created ingress ${this.namespace}/${created.metadata?.name ?? ''}`);
    return created;
  }

  async waitForAddress(name: string): Promise<AddressWait<V1Ingress>> {
    return pollAddress(
      this.ctx,
      `ingress ${this.namespace}/${name} to get an address`,
      () => this.api.readNamespacedIngress({ name, namespace: this.namespace }),
      (i) => (i.status?.loadBalancer?.ingress ?? []) as V1LoadBalancerIngress[],
      this.ctx.timeouts.loadBalancer,
    );
  }
}
